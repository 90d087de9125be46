"""Diagnose a probe's frames: compute every measure, then judge them in a fixed order."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from video.diagnosis import measures as m
from video.diagnosis.thresholds import Baseline, DiagnosisError, Thresholds
from video.health import Health

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """One probe's verdict: the status, every measure behind it, the frame judged, and a readable line."""

    status: Health
    measures: dict[str, float] = field(default_factory=dict)
    frame_index: int | None = None  # index in the probe's frames; None when there was no frame
    detail: str = ""


def diagnose(frames: Sequence[np.ndarray], *, thresholds: Thresholds = Thresholds(),
             baseline: Baseline | None = None, reference: np.ndarray | None = None) -> Diagnosis:
    """Diagnose a short sequence of BGR uint8 frames (oldest first), judged on the last one.

    Order of judgement, first match wins: offline > no_signal > dark > bright > covered > frozen > noisy
    > blurred > color_cast > scene_changed (see docs/ARCHITECTURE.md, "Video diagnosis", for why).
    """
    frames = list(frames)
    if not frames:
        return Diagnosis(Health.OFFLINE, {"frames": 0.0}, None, "offline: no frame could be read")
    for index, frame in enumerate(frames):
        _check_frame(frame, index, frames[0].shape)
    last = len(frames) - 1
    values = _measure(frames, thresholds, baseline, reference)
    status, detail = _judge(values, thresholds, baseline, len(frames))
    return Diagnosis(status, values, last, detail)


def _check_frame(frame: object, index: int, shape: tuple[int, ...]) -> None:
    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
        described = (f"{frame.dtype} {frame.shape}" if isinstance(frame, np.ndarray) else type(frame).__name__)
        raise DiagnosisError(f"frame {index}: expected a BGR uint8 array HxWx3, got {described}")
    if frame.shape != shape:
        raise DiagnosisError(f"frame {index}: size {frame.shape[:2]} differs from frame 0's {shape[:2]}")
    if frame.shape[0] < 3 or frame.shape[1] < 3:
        raise DiagnosisError(f"frame {index}: size {frame.shape[:2]} is too small to diagnose")


def _measure(frames: list[np.ndarray], thresholds: Thresholds, baseline: Baseline | None,
             reference: np.ndarray | None) -> dict[str, float]:
    width = frames[0].shape[1]
    work_step = m.step_for(width, m.WORK_WIDTH)
    colour = m.bgr(frames[-1], work_step)
    current = m.luma_of(colour)
    sharp, focus, noise = m.detail_measures(m.luma_of(m.bgr(frames[-1], m.step_for(width, m.DETAIL_WIDTH))))
    offset, cast = m.colour_cast(colour)
    values = {
        "frames": float(len(frames)),
        "luma_mean": float(current.mean()),
        "luma_std": float(current.std()),
        "sharpness": sharp,
        "focus": focus,
        "noise_sigma": noise,
        "flat_share": m.flat_share(current, noise, thresholds.flat_block_std, thresholds.noise_sigma),
        "chroma_offset": offset,
        "color_cast": cast,
    }
    blocks = [m.block_means(m.green(frame, work_step)) for frame in frames]
    if len(blocks) > 1:
        values["change_mean"], values["motion"] = m.change(blocks)
    if baseline is not None:
        values["baseline_focus"] = baseline.focus
        values["focus_ratio"] = focus / baseline.focus if baseline.focus > 0 else 1.0
    if reference is not None:
        _check_frame(reference, -1, reference.shape)
        # The median over the probe's frames drops what moves through the scene (people, cars) before comparing.
        now = np.median(np.stack(blocks), axis=0) if len(blocks) > 2 else blocks[-1]
        values["scene_similarity"] = m.similarity(m.edge_map(m.coarse_map(now)), m.scene_map(reference))
    return values


def _judge(v: dict[str, float], t: Thresholds, baseline: Baseline | None, count: int) -> tuple[Health, str]:
    if v["flat_share"] >= t.no_signal_flat_share:
        return Health.NO_SIGNAL, (f"no_signal: {v['flat_share']:.0%} of the frame is one flat region "
                                  f">= {t.no_signal_flat_share:.0%}")
    if v["luma_mean"] < t.dark_luma:
        return Health.DARK, f"dark: mean luma {v['luma_mean']:.1f} < {t.dark_luma:g}"
    if v["luma_mean"] > t.bright_luma:
        return Health.BRIGHT, f"bright: mean luma {v['luma_mean']:.1f} > {t.bright_luma:g}"
    if v["flat_share"] >= t.covered_flat_share:
        return Health.COVERED, (f"covered: {v['flat_share']:.0%} of the frame is one flat region "
                                f">= {t.covered_flat_share:.0%}")
    if "motion" in v and v["motion"] < t.frozen_motion:
        return Health.FROZEN, (f"frozen: largest block change {v['motion']:.1f} < {t.frozen_motion:g} "
                               f"over {count} frames (mean change {v['change_mean']:.2f})")
    if v["noise_sigma"] > t.noise_sigma:
        return Health.NOISY, f"noisy: noise sigma {v['noise_sigma']:.1f} > {t.noise_sigma:g}"
    if baseline is not None and "focus_ratio" in v:
        if v["focus_ratio"] < t.blur_ratio:
            return Health.BLURRED, (f"blurred: focus {v['focus']:.3f} is {v['focus_ratio']:.0%} of this camera's "
                                    f"healthy {baseline.focus:.3f} < {t.blur_ratio:.0%}")
    elif v["focus"] < t.blur_floor:
        return Health.BLURRED, f"blurred: focus {v['focus']:.3f} < floor {t.blur_floor:g} (no baseline)"
    if v["chroma_offset"] >= t.cast_chroma and v["color_cast"] >= t.cast_ratio:
        return Health.COLOR_CAST, (f"color_cast: chroma offset {v['chroma_offset']:.1f} >= {t.cast_chroma:g}, "
                                   f"{v['color_cast']:.2f} x its spread >= {t.cast_ratio:g}")
    if "scene_similarity" in v and v["scene_similarity"] < t.scene_similarity:
        return Health.SCENE_CHANGED, (f"scene_changed: similarity to the reference {v['scene_similarity']:.2f} "
                                      f"< {t.scene_similarity:g}")
    return Health.OK, f"ok: luma {v['luma_mean']:.0f}, focus {v['focus']:.3f}, noise {v['noise_sigma']:.1f}"
