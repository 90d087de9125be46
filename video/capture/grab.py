"""Grab a few frames from a stream (RTSP, HTTP MJPEG, HLS) or a file through OpenCV's FFmpeg backend, with timeouts."""

from __future__ import annotations

import logging
import math
import os
import time
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from video.urls import redact_urls_in

logger = logging.getLogger(__name__)

# FFmpeg reads these options for every open; an operator's own value wins. RTSP over TCP passes firewalls and
# NAT that drop RTP over UDP (other protocols ignore the option). FFmpeg's default analyzeduration (5 s)
# makes every open read 5 s of a slow camera before the first frame; 1 s finds the codec and size too.
FFMPEG_OPTIONS_ENV = "OPENCV_FFMPEG_CAPTURE_OPTIONS"
FFMPEG_DEFAULT_OPTIONS = "rtsp_transport;tcp|analyzeduration;1000000"


@dataclass(slots=True)
class Capture:
    """What one attempt to read a source gave: frames and stream facts, or why it failed (source redacted)."""

    source: str
    opened: bool = False
    frames: list[np.ndarray] = field(default_factory=list)
    open_ms: float | None = None
    width: int | None = None
    height: int | None = None
    fps_reported: float | None = None
    fps_measured: float | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        """Return whether the source opened and gave at least one frame."""
        return self.opened and bool(self.frames) and not self.error


def is_network_source(source: str) -> bool:
    """Return whether the source is a URL read over the network (rather than a local file)."""
    return "://" in source and not source.lower().startswith("file:")


def _finite_positive(value: float) -> float | None:
    return float(value) if math.isfinite(value) and value > 0 else None


def _measured_fps(stamps_s: list[float], *, reported: float | None, live: bool) -> float | None:
    if live:
        # The frames FFmpeg buffered while opening come out at once; the arrival rate starts after that burst.
        burst_gap_s = 0.5 / reported if reported else 0.005
        first = next((i for i in range(1, len(stamps_s)) if stamps_s[i] - stamps_s[i - 1] > burst_gap_s), None)
        stamps_s = stamps_s[first - 1:] if first is not None else []
    if len(stamps_s) < 3 or stamps_s[-1] <= stamps_s[0]:
        return None  # two intervals at least, or the figure is noise
    return round((len(stamps_s) - 1) / (stamps_s[-1] - stamps_s[0]), 2)


def grab_frames(source: str, *, count: int, open_timeout_s: float, read_timeout_s: float) -> Capture:
    """Open the source and read up to `count` frames; never raise, never wait much past the timeouts given."""
    shown = redact_urls_in(source)
    capture = Capture(source=shown)
    if count < 1 or not open_timeout_s > 0 or not read_timeout_s > 0:
        capture.error = f"cannot read {shown}: count and timeouts must be positive"
        return capture
    os.environ.setdefault(FFMPEG_OPTIONS_ENV, FFMPEG_DEFAULT_OPTIONS)
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(open_timeout_s * 1000),
              cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(read_timeout_s * 1000)]
    began = time.monotonic()
    video: Any = None
    try:
        video = cv2.VideoCapture(source, cv2.CAP_FFMPEG, params)
        opened_after = time.monotonic() - began
        if not video.isOpened():
            why = f"timeout after {open_timeout_s:g} s" if opened_after >= open_timeout_s * 0.9 else "refused or unreadable"
            capture.error = f"cannot open {shown}: {why}"
            logger.info("probe %s: %s", shown, capture.error)
            return capture
        capture.opened = True
        capture.open_ms = round(opened_after * 1000, 1)
        capture.fps_reported = _finite_positive(video.get(cv2.CAP_PROP_FPS))
        _read(video, capture, count=count, read_timeout_s=read_timeout_s, file=not is_network_source(source))
    except Exception as exc:  # a decoder error must end as an offline result, not as a crashed probe
        capture.error = redact_urls_in(f"cannot read {source}: {type(exc).__name__}: {exc}")
        logger.warning("probe %s: %s", shown, capture.error)
    finally:
        if video is not None:
            video.release()
    return capture


def _read(video: Any, capture: Capture, *, count: int, read_timeout_s: float, file: bool) -> None:
    stamps: list[float] = []
    # OpenCV's read timeout holds per read; this deadline bounds the whole sequence should reads trickle in.
    deadline = time.monotonic() + count * read_timeout_s
    while len(capture.frames) < count and time.monotonic() < deadline:
        got, frame = video.read()
        if not got or frame is None:
            break
        capture.frames.append(frame)
        # A file decodes as fast as the CPU allows: its rate is in the stream's timestamps, not the wall clock.
        stamps.append(video.get(cv2.CAP_PROP_POS_MSEC) / 1000 if file else time.monotonic())
    if capture.frames:
        capture.height, capture.width = capture.frames[0].shape[:2]
        capture.fps_measured = _measured_fps(stamps, reported=capture.fps_reported, live=not file)
    if len(capture.frames) < count:
        reason = "stream ended" if file else f"no frame within {read_timeout_s:g} s"
        if not capture.frames:
            capture.error = f"opened {capture.source} but read no frame: {reason}"
            logger.info("probe %s: %s", capture.source, capture.error)
