"""Read a live stream frame after frame for the relay, and encode frames as JPEG (snapshots, the relay)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

import cv2
import numpy as np

from video.capture.grab import FFMPEG_DEFAULT_OPTIONS, FFMPEG_OPTIONS_ENV
from video.urls import redact_urls_in

logger = logging.getLogger(__name__)

JPEG_QUALITY = 80


def encode_jpeg(frame: np.ndarray, *, quality: int = JPEG_QUALITY) -> bytes:
    """Return the frame (BGR, as OpenCV decodes it) as JPEG bytes; raise ValueError when it cannot be encoded."""
    ok, buffer = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError(f"cannot encode a {frame.shape} frame as JPEG")
    return buffer.tobytes()


def decode_jpeg(data: bytes) -> np.ndarray | None:
    """Return the picture in JPEG bytes, or None when they do not decode."""
    return cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)


def relay_stream(source: str, *, publish: Callable[[bytes], None], stop: threading.Event, max_fps: float,
                 open_timeout_s: float, read_timeout_s: float) -> str:
    """Read the source until stop is set or it fails; publish at most max_fps JPEG frames a second; say why it ended.

    Every frame is read (a live source must be drained or it lags), but only the frames due are encoded, so the
    cap also caps the encoding cost. The source may carry credentials: only its redacted form is ever logged.
    """
    shown = redact_urls_in(source)
    os.environ.setdefault(FFMPEG_OPTIONS_ENV, FFMPEG_DEFAULT_OPTIONS)
    period = 1.0 / max_fps
    video = None
    try:
        video = cv2.VideoCapture(source, cv2.CAP_FFMPEG, [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(open_timeout_s * 1000),
                                                          cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(read_timeout_s * 1000)])
        if not video.isOpened():
            return f"cannot open {shown}"
        next_due = 0.0
        while not stop.is_set():
            got, frame = video.read()
            if not got or frame is None:
                return f"{shown}: no frame within {read_timeout_s:g} s or the stream ended"
            now = time.monotonic()
            if now < next_due:
                continue
            # Catch up from now, not from the missed slot: a stall must not be followed by a burst.
            next_due = max(next_due + period, now)
            publish(encode_jpeg(frame))
        return "stopped"
    except Exception as exc:  # a decoder error ends the relay like a dead stream, never as a crashed thread
        return redact_urls_in(f"{source}: {type(exc).__name__}: {exc}")
    finally:
        if video is not None:
            video.release()
