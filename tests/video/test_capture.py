"""Grabbing frames from real streams on 127.0.0.1: frames from healthy sources, offline in time from broken ones."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobs.pool import WorkerPool
from video.capture import capture_in_pool, grab_frames
from video.urls import redact_urls_in

OPEN_S, READ_S = 2.0, 2.0
# Generous: the bound proves "no hang", not a speed (machines under load are slow to start a decoder).
SLACK_S = 3.0
SECRET = "s3cr3t-Pa55"


def _with_credentials(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://admin:{SECRET}@{rest}"


def _healthy(capture, *, count: int) -> None:  # type: ignore[no-untyped-def]
    assert capture.ok, capture.error
    assert capture.opened and len(capture.frames) == count
    assert (capture.width, capture.height) == (320, 240)
    assert all(frame.shape == (240, 320, 3) and frame.dtype.name == "uint8" for frame in capture.frames)
    assert capture.open_ms is not None and capture.open_ms >= 0


def test_frames_from_an_http_mjpeg_stream_have_its_size_and_rate(mjpeg_url: str) -> None:
    capture = grab_frames(mjpeg_url, count=8, open_timeout_s=5, read_timeout_s=5)
    _healthy(capture, count=8)
    assert capture.fps_measured is not None and 2.5 <= capture.fps_measured <= 10


def test_frames_from_an_rtsp_stream_have_its_size_and_rate(rtsp_url: str) -> None:
    capture = grab_frames(rtsp_url, count=10, open_timeout_s=10, read_timeout_s=5)
    _healthy(capture, count=10)
    assert capture.fps_reported == pytest.approx(5, abs=0.5)
    assert capture.fps_measured is not None and 2.5 <= capture.fps_measured <= 10


def test_frames_from_an_hls_playlist_have_its_size(hls_url: str) -> None:
    capture = grab_frames(hls_url, count=6, open_timeout_s=10, read_timeout_s=5)
    _healthy(capture, count=6)
    assert capture.fps_reported == pytest.approx(5, abs=0.5)


def test_frames_from_a_file_have_its_size_and_rate(h264_clip: Path) -> None:
    capture = grab_frames(str(h264_clip), count=6, open_timeout_s=5, read_timeout_s=5)
    _healthy(capture, count=6)
    assert capture.fps_reported == pytest.approx(5, abs=0.5)
    assert capture.fps_measured == pytest.approx(5, abs=0.5)


def test_a_missing_file_is_offline_with_a_reason(tmp_path: Path) -> None:
    capture = grab_frames(str(tmp_path / "none.mp4"), count=3, open_timeout_s=OPEN_S, read_timeout_s=READ_S)
    assert not capture.opened and not capture.ok and capture.frames == []
    assert capture.error.startswith("cannot open ")


@pytest.mark.parametrize("scheme", ["rtsp", "http"])
def test_an_address_that_never_answers_is_offline_within_the_open_timeout(unanswering_port: int, scheme: str) -> None:
    began = time.monotonic()
    capture = grab_frames(f"{scheme}://127.0.0.1:{unanswering_port}/cam", count=3, open_timeout_s=OPEN_S,
                          read_timeout_s=READ_S)
    assert time.monotonic() - began < OPEN_S + SLACK_S
    assert not capture.opened and f"timeout after {OPEN_S:g} s" in capture.error


@pytest.mark.parametrize("scheme", ["rtsp", "http"])
def test_a_source_that_connects_and_stays_silent_is_offline_within_its_timeouts(silent_port: int, scheme: str) -> None:
    began = time.monotonic()
    capture = grab_frames(f"{scheme}://127.0.0.1:{silent_port}/cam", count=3, open_timeout_s=OPEN_S,
                          read_timeout_s=READ_S)
    assert time.monotonic() - began < OPEN_S + 3 * READ_S + SLACK_S
    assert not capture.ok and capture.frames == [] and capture.error


def test_a_refused_port_is_offline_at_once_with_a_reason(refused_port: int) -> None:
    capture = grab_frames(f"rtsp://127.0.0.1:{refused_port}/cam", count=3, open_timeout_s=OPEN_S, read_timeout_s=READ_S)
    assert not capture.opened and "refused or unreadable" in capture.error


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    """One worker, so a killed worker must be replaced for the next probe; a long grace, so pebble's timer acts."""
    with WorkerPool(workers=1, grace_s=60) as started:
        yield started


def test_a_read_that_hangs_in_the_pool_is_killed_at_the_hard_timeout_and_the_pool_probes_on(
        pool: WorkerPool, silent_port: int, h264_clip: Path) -> None:
    # Timeouts far beyond the hard one stand for an FFmpeg read that ignores its timeout.
    began = time.monotonic()
    capture = capture_in_pool(pool, f"http://127.0.0.1:{silent_port}/cam", count=3, open_timeout_s=600,
                              read_timeout_s=600, hard_timeout_s=2)
    assert time.monotonic() - began < 2 + SLACK_S
    assert not capture.ok and "timed out; worker killed after 2 s" in capture.error

    after = capture_in_pool(pool, str(h264_clip), count=3, open_timeout_s=5, read_timeout_s=5)
    _healthy(after, count=3)


def test_a_healthy_probe_through_the_pool_brings_its_frames_home(pool: WorkerPool, mjpeg_url: str) -> None:
    capture = capture_in_pool(pool, mjpeg_url, count=4, open_timeout_s=5, read_timeout_s=5)
    _healthy(capture, count=4)


def test_credentials_in_a_url_never_reach_errors_or_logs(
        caplog: pytest.LogCaptureFixture, pool: WorkerPool, refused_port: int, silent_port: int,
        unanswering_port: int) -> None:
    caplog.set_level(logging.DEBUG)
    sources = [_with_credentials(f"rtsp://127.0.0.1:{port}/cam") for port in (refused_port, unanswering_port)]
    captures = [grab_frames(source, count=2, open_timeout_s=1, read_timeout_s=1) for source in sources]
    captures.append(capture_in_pool(pool, _with_credentials(f"http://127.0.0.1:{silent_port}/cam"), count=2,
                                    open_timeout_s=600, read_timeout_s=600, hard_timeout_s=1))
    for capture in captures:
        assert not capture.ok and capture.error
        assert SECRET not in capture.error and SECRET not in capture.source and "***@127.0.0.1" in capture.source
    assert caplog.records, "the failures were logged"
    assert SECRET not in caplog.text and "admin" not in caplog.text


@pytest.mark.parametrize(("url", "shown"), [
    ("rtsp://admin:pw@10.0.0.5:554/live", "rtsp://***@10.0.0.5:554/live"),
    ("http://user@cam/video.mjpg", "http://***@cam/video.mjpg"),
    ("rtsp://a:p@ss@h/x", "rtsp://***@h/x"),
    ("cannot open rtsp://u:p@h/1 and http://v:q@g/2", "cannot open rtsp://***@h/1 and http://***@g/2"),
    ("rtsp://10.0.0.5/live?user=x", "rtsp://10.0.0.5/live?user=x"),
    ("/data/clip.mp4", "/data/clip.mp4"),
])
def test_redact_urls_in_hides_the_user_and_password_of_every_url(url: str, shown: str) -> None:
    assert redact_urls_in(url) == shown
