"""Gzip on the wire: the start-up payloads with 10,000 open cases shrink, live streams stay live and uncompressed."""

from __future__ import annotations

import gzip
import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.compression import is_compressible
from gridwatch.runtime import open_migrated_store
from gridwatch.towns import load_town
from storage import Store
from tests.api.conftest import PASSWORD, POLICY, ManualClock, add_accounts
from tests.factories import make_camera, make_case
from tests.serving import serve_app
from tests.video import streams
from town.generate import generate_town
from video.relay import RelaySettings
from video.urls import UrlPolicy

OPEN_CASES = 10_000
# What api/static/app.js and api.js fetch before the map is usable (api.js's URLs), plus the page and its scripts.
START_UP = ["/api/grids?format=geojson&level=2&limit=1000", "/api/grids?format=geojson&level=3&limit=1000",
            "/api/teams?format=geojson", "/api/cases?format=geojson&limit=500",
            "/api/cases?format=geojson&limit=1000", "/api/cameras?format=geojson&limit=1000", "/api/categories",
            "/api/lifecycle", "/api/assignments?limit=1000", "/", "/static/app.js", "/static/map.js",
            "/static/style.css", "/static/leaflet/leaflet.js"]


@pytest.fixture(scope="module")
def busy_town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the synthetic town with 10,000 open cases spread over it (SQLite: compression is the store's no matter)."""
    folder = tmp_path_factory.mktemp("busy")
    store = open_migrated_store(f"sqlite:///{folder / 'gridwatch.db'}")
    town = generate_town(7)
    load_town(store, town)
    west, south, east, north = town.town_grid.geometry.bounds
    rng = random.Random(12)
    with store.unit_of_work() as uow:
        for n in range(OPEN_CASES):
            uow.cases.add(make_case(f"占道经营 {n}", lon=rng.uniform(west, east), lat=rng.uniform(south, north)))
    add_accounts(store)
    with serve_app(create_app(store=store, token_policy=POLICY, data_dir=folder)) as base_url:
        yield base_url
    store.close()


def _token(client: httpx.Client) -> str:
    answer = client.post("/api/auth/token", data={"username": "operator", "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def test_start_up_payloads_shrink_under_gzip_and_decompress_to_the_same_bytes(busy_town: str) -> None:
    plain_total = gzip_total = 0
    # httpx would undo the gzip itself; raw bytes show what crossed the wire.
    with httpx.Client(base_url=busy_town, timeout=60) as client:
        auth = {"Authorization": f"Bearer {_token(client)}"}
        for path in START_UP:
            with client.stream("GET", path, headers={**auth, "Accept-Encoding": "identity"}) as plain:
                plain_bytes = b"".join(plain.iter_raw())
            with client.stream("GET", path, headers={**auth, "Accept-Encoding": "gzip, deflate, br"}) as packed:
                packed_bytes = b"".join(packed.iter_raw())
            assert plain.status_code == packed.status_code == 200, (path, plain.status_code, packed.status_code)
            assert "content-encoding" not in plain.headers, path
            if len(plain_bytes) >= 1024:
                assert packed.headers.get("content-encoding") == "gzip", path
                assert "accept-encoding" in packed.headers.get("vary", "").lower(), path
                assert gzip.decompress(packed_bytes) == plain_bytes, path
            # Compression is the outermost layer: the security headers are still on the compressed answer.
            assert packed.headers.get("x-content-type-options") == "nosniff", path
            plain_total += len(plain_bytes)
            gzip_total += len(packed_bytes)
    ratio = plain_total / gzip_total
    print(f"start-up payloads: {plain_total} bytes plain, {gzip_total} gzipped, ratio {ratio:.1f}")
    assert plain_total > 500_000, "the town with 10,000 open cases should weigh more than this"
    assert ratio >= 4.0, f"gzip saved too little: {plain_total} -> {gzip_total} bytes"


def test_small_answers_and_refusals_of_gzip_stay_plain(busy_town: str) -> None:
    with httpx.Client(base_url=busy_town, timeout=30) as client:
        auth = {"Authorization": f"Bearer {_token(client)}"}
        refused = client.get("/api/grids?format=geojson&level=3&limit=1000",
                             headers={**auth, "Accept-Encoding": "gzip;q=0, identity"})
        small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in refused.headers
    assert "content-encoding" not in small.headers and len(small.content) < 1024
    # Plain or gzipped, a compressible answer varies by Accept-Encoding: a shared cache must not mix the two.
    for answer in (refused, small):
        assert "accept-encoding" in answer.headers.get("vary", "").lower(), answer.headers


def test_only_text_like_types_are_compressed_and_never_live_streams() -> None:
    for media in ("application/json", "application/geo+json", "text/html; charset=utf-8", "text/javascript",
                  "text/css", "application/xml", "text/csv; charset=utf-8", "application/problem+json"):
        assert is_compressible(media), media
    for media in ("text/event-stream", "multipart/x-mixed-replace; boundary=gridwatchframe", "image/jpeg",
                  "image/png", "application/pdf", "video/mp4", "application/octet-stream", ""):
        assert not is_compressible(media), media


def test_the_live_feed_streams_event_by_event_to_a_gzip_client(store: Store, tmp_path: Path) -> None:
    add_accounts(store)
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path)
    with serve_app(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
        auth = {"Authorization": f"Bearer {_token(client)}"}
        ticket = client.post("/api/auth/stream-ticket", headers=auth).json()["ticket"]
        with store.unit_of_work() as uow:
            seen = uow.feed.append("case.note", {"n": 0}, at=make_case().created_at).id
            first = uow.feed.append("case.note", {"n": 1, "pad": "x" * 4000}, at=make_case().created_at).id
        # The stream never ends by itself: reading its first event proves it was not held back for compression.
        with client.stream("GET", "/api/events/stream", params={"ticket": ticket},
                           headers={"Accept-Encoding": "gzip", "Last-Event-ID": str(seen)},
                           timeout=httpx.Timeout(10.0)) as answer:
            assert answer.status_code == 200
            assert "content-encoding" not in answer.headers
            assert answer.headers["content-type"].startswith("text/event-stream")
            for line in answer.iter_lines():
                if line.startswith("id:"):
                    assert int(line[3:].strip()) == first
                    break
            else:
                pytest.fail("the stream ended before its first event")


def test_the_mjpeg_relay_is_not_gzipped(store: Store, tmp_path: Path) -> None:
    if not streams.ffmpeg_available():
        pytest.skip("ffmpeg is needed to make the camera's frames")
    frames = streams.make_jpeg_frames(tmp_path / "frames", seconds=1, fps=10)
    with streams.MjpegServer(frames, fps=10) as camera:
        with store.unit_of_work() as uow:
            uow.cameras.upsert_many([make_camera("cam-live", stream_url=camera.url)])
        add_accounts(store)
        app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=ManualClock(),
                         url_policy=UrlPolicy(allowed_hosts=frozenset({"127.0.0.1"})),
                         relay_settings=RelaySettings(max_fps=5, open_timeout_s=3.0, read_timeout_s=3.0))
        with serve_app(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as client:
            auth = {"Authorization": f"Bearer {_token(client)}"}
            ticket = client.post("/api/auth/stream-ticket", headers=auth).json()["ticket"]
            with client.stream("GET", "/api/cameras/cam-live/live.mjpeg", params={"ticket": ticket},
                               headers={"Accept-Encoding": "gzip"}) as answer:
                assert answer.status_code == 200
                assert answer.headers["content-type"].startswith("multipart/x-mixed-replace")
                assert "content-encoding" not in answer.headers
                # A raw JPEG start of image arrives while the stream is still open.
                for chunk in answer.iter_raw():
                    if b"\xff\xd8" in chunk:
                        break
                else:
                    pytest.fail("the relay ended before its first frame")
