"""The measures behind a diagnosis, numpy only: each takes luma, green or BGR arrays and returns plain floats."""

from __future__ import annotations

import numpy as np

WORK_WIDTH = 320  # motion, exposure, flat regions, colour and scene are judged at about this width
DETAIL_WIDTH = 640  # focus and noise need finer detail: about this width
BLOCK = 8  # side of the blocks a frame is cut into (flat regions, motion, the scene map)
COARSE = (18, 24)  # rows, columns of the map compared with the reference frame, whatever the frame's size
_LUMA = np.array([0.114, 0.587, 0.299], dtype=np.float32)  # BT.601 weights for B, G, R
# Median |4-neighbour Laplacian| of Gaussian noise is 0.6745 * sqrt(20) sigma; the kernel's squares sum to 20.
_LAPLACIAN_NOISE = 20.0
_MAD_TO_SIGMA = 1.0 / (0.6745 * float(np.sqrt(_LAPLACIAN_NOISE)))


def step_for(width: int, target: int) -> int:
    """Return the pixel stride that brings a frame of this width to about the target width."""
    return max(1, round(width / target))


def bgr(frame: np.ndarray, step: int) -> np.ndarray:
    """Return the frame subsampled by the stride, as float32 BGR."""
    return frame[::step, ::step].astype(np.float32)


def green(frame: np.ndarray, step: int) -> np.ndarray:
    """Return the green channel subsampled by the stride: enough luma for motion and structure, a third the cost."""
    return frame[::step, ::step, 1].astype(np.float32)


def luma_of(colour: np.ndarray) -> np.ndarray:
    """Return the BT.601 luma of a float32 BGR image."""
    return colour @ _LUMA


def laplacian(luma: np.ndarray) -> np.ndarray:
    """Return the 4-neighbour Laplacian of the interior pixels."""
    return 4.0 * luma[1:-1, 1:-1] - luma[:-2, 1:-1] - luma[2:, 1:-1] - luma[1:-1, :-2] - luma[1:-1, 2:]


def _median(values: np.ndarray) -> float:
    flat = values.ravel()
    if flat.size == 0:
        return 0.0
    middle = flat.size // 2
    return float(np.partition(flat, middle)[middle])  # np.median costs ten times more for the same answer


def detail_measures(luma: np.ndarray) -> tuple[float, float, float]:
    """Return (sharpness, focus, noise sigma) of a fine-scale luma image.

    Sharpness is the variance of the Laplacian. Noise is the median |Laplacian| scaled to a Gaussian's sigma:
    the median ignores the few pixels on edges. Focus is the share of the picture's contrast that is fine
    detail once the noise's part is taken out of both (20 sigma^2 and sigma^2), so it holds at night and in
    fog, where contrast falls, and a noisy picture does not pass for a sharp one.
    """
    response = laplacian(luma)
    if response.size == 0:
        return 0.0, 0.0, 0.0
    sharp = float(response.var())
    noise = _median(np.abs(response[::2, ::2])) * _MAD_TO_SIGMA
    detail = max(0.0, sharp - _LAPLACIAN_NOISE * noise * noise)
    signal = max(0.0, float(luma.var()) - noise * noise)
    return sharp, detail / (signal + 25.0), noise


def block_sums(image: np.ndarray) -> np.ndarray:
    """Return the sum of each BLOCK x BLOCK block (leftover edge rows and columns are dropped)."""
    rows, cols = image.shape[0] // BLOCK, image.shape[1] // BLOCK
    if rows == 0 or cols == 0:
        return image.sum(keepdims=True).reshape(1, 1)
    cropped = image[: rows * BLOCK, : cols * BLOCK]
    return cropped.reshape(rows, BLOCK, cols * BLOCK).sum(axis=1).reshape(rows, cols, BLOCK).sum(axis=2)


def block_means(image: np.ndarray) -> np.ndarray:
    """Return the mean of each BLOCK x BLOCK block."""
    area = BLOCK * BLOCK if image.shape[0] >= BLOCK and image.shape[1] >= BLOCK else image.size
    return block_sums(image) / float(area)


def flat_share(luma: np.ndarray, noise: float, min_std: float, max_std: float) -> float:
    """Return the share of the frame covered by flat blocks of one brightness (the largest flat region).

    A block is flat when its std is under min_std, or under 1.5 times the picture's noise (a covered lens
    still shows the sensor's grain), but never over max_std (a picture that noisy is judged noisy, not flat).
    """
    means = block_means(luma)
    stds = np.sqrt(np.maximum(block_means(luma * luma) - means * means, 0.0))
    limit = min(max(min_std, 1.5 * noise), max(min_std, max_std))
    flat_means = means[stds < limit]
    if flat_means.size == 0:
        return 0.0
    # One region is one brightness give or take a bin: merge neighbouring bins so a boundary cannot split it.
    counts = np.bincount(np.clip(flat_means // 16, 0, 15).astype(np.intp), minlength=17)
    return float((counts[:-1] + counts[1:]).max()) / float(means.size)


def colour_cast(colour: np.ndarray) -> tuple[float, float]:
    """Return (mean chroma offset from grey, that offset over the chroma spread) of a BGR image.

    A colourful scene has a wide chroma spread around its mean; a cast shifts the whole picture, so the
    offset is large against the spread (the cast factor of the CIELab method, on opponent colours).
    """
    sample = colour[::2, ::2]
    blue, green_, red = sample[..., 0], sample[..., 1], sample[..., 2]
    a = red - green_
    b = 0.5 * (red + green_) - blue
    mean_a, mean_b = float(a.mean()), float(b.mean())
    offset = float(np.hypot(mean_a, mean_b))
    spread = float(np.hypot(a - mean_a, b - mean_b).mean())
    return offset, offset / (spread + 1.0)


def change(blocks: list[np.ndarray]) -> tuple[float, float]:
    """Return the mean and the largest change of block means between consecutive frames.

    Encoder noise (a still picture re-encoded, a refresh every few frames) moves every block a little and
    none much; something moving in the scene moves a few blocks a lot. The largest change tells them apart.
    """
    steps = [np.abs(after - before) for before, after in zip(blocks, blocks[1:])]
    return float(np.mean([float(step.mean()) for step in steps])), max(float(step.max()) for step in steps)


def coarse_map(image: np.ndarray) -> np.ndarray:
    """Return means of the image on the fixed COARSE grid (cells as equal as the size allows)."""
    rows = np.linspace(0, image.shape[0], COARSE[0] + 1).astype(np.intp)
    cols = np.linspace(0, image.shape[1], COARSE[1] + 1).astype(np.intp)
    rows, cols = np.unique(rows), np.unique(cols)  # a map smaller than the grid keeps its own size
    sums = np.add.reduceat(np.add.reduceat(image, rows[:-1], axis=0), cols[:-1], axis=1)
    return sums / np.outer(np.diff(rows), np.diff(cols))


def edge_map(coarse: np.ndarray) -> np.ndarray:
    """Return the gradient magnitude of a coarse map: where the scene's structure is."""
    gx = coarse[:-1, 1:] - coarse[:-1, :-1]
    gy = coarse[1:, :-1] - coarse[:-1, :-1]
    return np.hypot(gx, gy)


def similarity(edges: np.ndarray, reference_edges: np.ndarray) -> float:
    """Return the normalised correlation of two edge maps: 1 the same structure, about 0 unrelated.

    Correlation ignores a change of gain and offset (day and dusk); edges ignore a uniform change of level.
    """
    if edges.shape != reference_edges.shape:
        return 0.0
    a = edges - edges.mean()
    b = reference_edges - reference_edges.mean()
    denominator = float(np.sqrt((a * a).sum() * (b * b).sum()))
    if denominator == 0.0:
        return 1.0 if float(np.abs(a - b).max()) < 1e-6 else 0.0
    return float((a * b).sum()) / denominator


def scene_map(frame: np.ndarray) -> np.ndarray:
    """Return the edge map a frame is compared by (the reference's side of the scene comparison)."""
    return edge_map(coarse_map(block_means(green(frame, step_for(frame.shape[1], WORK_WIDTH)))))


def focus_of(frame: np.ndarray) -> float:
    """Return the focus of one BGR frame as diagnose measures it."""
    return detail_measures(luma_of(bgr(frame, step_for(frame.shape[1], DETAIL_WIDTH))))[1]
