"""The live MJPEG relay over real HTTP: one upstream connection for two viewers, the frame-rate cap, the close."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from storage import Store
from tests.api.conftest import PASSWORD, POLICY, ManualClock, add_accounts
from tests.factories import make_camera
from tests.serving import serve_app
from tests.video import streams
from video.relay import RelaySettings
from video.urls import UrlPolicy

CAP_FPS = 4.0
PART = b"--gridwatchframe\r\n"


@pytest.fixture
def fast_camera(clips: Path) -> Iterator[streams.MjpegServer]:
    """A 20 fps MJPEG camera of this test alone, so its connections can be counted."""
    frames = streams.make_jpeg_frames(clips / "relay-20fps", seconds=1, fps=20)
    with streams.MjpegServer(frames, fps=20) as server:
        yield server


@pytest.fixture
def served(store: Store, tmp_path: Path, fast_camera: streams.MjpegServer, refused_port: int) -> Iterator[tuple]:
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("cam-live", stream_url=fast_camera.url),
                                 make_camera("cam-dead", stream_url=f"http://127.0.0.1:{refused_port}/video"),
                                 make_camera("cam-hls", stream_url=fast_camera.url,
                                             live_url="http://10.0.0.5/live/cam-hls.m3u8")])
    add_accounts(store)
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=ManualClock(),
                     url_policy=UrlPolicy(allowed_hosts=frozenset({"127.0.0.1"})),
                     relay_settings=RelaySettings(max_fps=CAP_FPS, open_timeout_s=3.0, read_timeout_s=3.0))
    with serve_app(app) as base:
        yield app, base


def _ticket(base: str) -> str:
    with httpx.Client(base_url=base) as client:
        token = client.post("/api/auth/token", data={"username": "operator", "password": PASSWORD}).json()
        answer = client.post("/api/auth/stream-ticket", headers={"Authorization": f"Bearer {token['access_token']}"})
        assert answer.status_code == 200, answer.text
        return answer.json()["ticket"]


def _frames_within(chunks: Iterator[bytes], seconds: float) -> int:
    """Count the parts received until `seconds` of monotonic time have passed (the window only bounds the count)."""
    buffer, end = b"", time.monotonic() + seconds
    for chunk in chunks:
        buffer += chunk
        if time.monotonic() >= end:
            break
    return buffer.count(PART)


def test_two_viewers_share_one_upstream_capped_and_closed_with_the_last(served: tuple,
                                                                      fast_camera: streams.MjpegServer) -> None:
    app, base = served
    hub = app.state.relay_hub
    url = f"{base}/api/cameras/cam-live/live.mjpeg"
    # The cap bounds frames by the time since the first viewer asked, whatever the machine's load delays.
    opened_at = time.monotonic()
    with httpx.Client(timeout=10) as one, httpx.Client(timeout=10) as two:
        with one.stream("GET", url, params={"ticket": _ticket(base)}) as first, \
                two.stream("GET", url, params={"ticket": _ticket(base)}) as second:
            assert (first.status_code, second.status_code) == (200, 200)
            assert first.headers["content-type"].startswith("multipart/x-mixed-replace")
            # Keep each iterator alive: dropping one closes its response, and the viewer leaves.
            chunks_one, chunks_two = first.iter_bytes(), second.iter_bytes()
            window = 3.0
            got_one = _frames_within(chunks_one, window)
            got_two = _frames_within(chunks_two, 1.0)
            assert fast_camera.clients == 1 and hub.started == 1
            elapsed = time.monotonic() - opened_at
            assert 1 <= got_one <= CAP_FPS * elapsed + 3, (got_one, elapsed)  # the upstream sends 20 fps
            assert got_two >= 1
            relay = hub.active()["cam-live"]
            assert relay.viewers == 2
    # Both hung up: the last one out stops the upstream reader (bounded wait; the outcome is the join).
    deadline = time.monotonic() + 10
    while hub.active() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert hub.active() == {}
    assert relay.join(10) and relay.ended.is_set()


def test_no_valid_ticket_is_401_and_a_dead_camera_is_a_clear_502(served: tuple) -> None:
    _app, base = served
    with httpx.Client(base_url=base, timeout=20) as client:
        assert client.get("/api/cameras/cam-live/live.mjpeg").status_code == 401
        assert client.get("/api/cameras/cam-live/live.mjpeg", params={"ticket": "not-a-ticket"}).status_code == 401
        began = time.monotonic()
        dead = client.get("/api/cameras/cam-dead/live.mjpeg", params={"ticket": _ticket(base)})
        assert dead.status_code == 502 and "cam-dead" in dead.json()["detail"]
        assert time.monotonic() - began < 10
        assert client.get("/api/cameras/nope/live.mjpeg", params={"ticket": _ticket(base)}).status_code == 404


def test_the_camera_answer_says_where_the_page_plays_it(served: tuple) -> None:
    _app, base = served
    with httpx.Client(base_url=base) as client:
        token = client.post("/api/auth/token", data={"username": "viewer", "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        hls = client.get("/api/cameras/cam-hls", headers=headers).json()["live_view"]
        relayed = client.get("/api/cameras/cam-live", headers=headers).json()["live_view"]
    assert hls == {"kind": "live_url", "url": "http://10.0.0.5/live/cam-hls.m3u8"}
    assert relayed == {"kind": "relay", "url": "/api/cameras/cam-live/live.mjpeg"}
