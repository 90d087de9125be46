"""A camera's reference frame: what its scene looks like when healthy, kept as a small JPEG to compare with."""

from __future__ import annotations

import numpy as np

from video.capture.stream import decode_jpeg, encode_jpeg

# The scene comparison works on a fixed coarse grid; a frame about this wide keeps what it uses and stays a few kB.
REFERENCE_WIDTH = 320


def encode_reference(frame: np.ndarray) -> bytes:
    """Return a BGR frame as a JPEG, subsampled to about REFERENCE_WIDTH wide."""
    step = max(1, frame.shape[1] // REFERENCE_WIDTH)
    return encode_jpeg(np.ascontiguousarray(frame[::step, ::step]))


def decode_reference(jpeg: bytes) -> np.ndarray | None:
    """Return the BGR frame of a stored reference, or None when it cannot be read (then a new one is learnt)."""
    frame = decode_jpeg(jpeg)
    return frame if frame is not None and frame.size else None
