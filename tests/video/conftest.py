"""Session-wide real video sources on 127.0.0.1 for the capture tests (and the diagnosis tests, should they need them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.video import streams


def _unavailable(message: str) -> None:
    """Skip on a laptop without the tool; fail under CI=true, where ffmpeg and GStreamer must be installed."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{message} (CI=true, so the video tests may not be skipped)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder for this session's clips; skip (fail under CI) without ffmpeg."""
    if not streams.ffmpeg_available():
        _unavailable(f"ffmpeg is missing at {streams.FFMPEG} (Debian package ffmpeg)")
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def h264_clip(clips: Path) -> Path:
    """Return a 60 s, 5 fps, 320x240 H.264 MP4 of a moving pattern."""
    return streams.make_h264_clip(clips / "healthy.mp4", seconds=60, fps=5)


@pytest.fixture(scope="session")
def mjpeg_url(clips: Path) -> Iterator[str]:
    """Serve a looping 5 fps 320x240 MJPEG stream over HTTP; yield its URL."""
    frames = streams.make_jpeg_frames(clips / "mjpeg", seconds=4, fps=5)
    with streams.MjpegServer(frames, fps=5) as server:
        yield server.url


@pytest.fixture(scope="session")
def rtsp_url(h264_clip: Path) -> Iterator[str]:
    """Serve the H.264 clip over RTSP with GStreamer's server (system Python); yield its URL."""
    if not streams.gstreamer_rtsp_available():
        _unavailable("GStreamer's RTSP server is not importable by /usr/bin/python3 "
                     "(Debian: gir1.2-gst-rtsp-server-1.0 python3-gst-1.0 gstreamer1.0-plugins-good/-bad)")
    with streams.rtsp_server(h264_clip) as url:
        yield url


@pytest.fixture(scope="session")
def silent_port() -> Iterator[int]:
    """Yield a port that accepts connections and then sends nothing."""
    with streams.SilentServer() as server:
        yield server.port


@pytest.fixture(scope="session")
def unanswering_port() -> Iterator[int]:
    """Yield a loopback port whose SYNs are never answered."""
    with streams.UnansweringAddress() as address:
        yield address.port


@pytest.fixture
def refused_port() -> int:
    """Return a loopback port nothing listens on, so a connect is refused at once."""
    return streams.free_port()


@pytest.fixture(scope="session")
def hls_url(h264_clip: Path, clips: Path) -> Iterator[str]:
    """Serve the H.264 clip as HLS (playlist and 2 s segments) over HTTP; yield the playlist's URL."""
    streams.make_hls(h264_clip, clips / "hls")
    with streams.http_folder(clips / "hls") as base:
        yield f"{base}/index.m3u8"
