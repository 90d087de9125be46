"""The incident panel's video in a real browser: covering camera with health, live MJPEG, snapshot, sector layer."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from access.models import Role
from access.service import create_user
from api.app import create_app
from cases.models import CaseSource
from cases.service import CaseCreate
from cases.use_cases import report_case_and_announce
from gridwatch.runtime import Core, open_migrated_store
from gridwatch.snapshots import SnapshotSettings, SnapshotTaker
from gridwatch.towns import load_town
from jobs.pool import WorkerPool
from tests.e2e.conftest import OPERATOR, PASSWORD, log_in
from tests.factories import make_camera, make_health
from tests.serving import serve_app
from tests.video import streams
from gis.models import GridLevel
from town.models import Town
from video.relay import RelaySettings
from video.urls import UrlPolicy

pytestmark = pytest.mark.timeout(120)

CAMERA = "cam-e2e-river"
LOOPBACK = UrlPolicy(allowed_hosts=frozenset({"127.0.0.1"}))


@dataclass
class VideoSystem:
    base_url: str
    case_id: int
    app: object


@pytest.fixture
def mjpeg_camera(tmp_path: Path) -> Iterator[str]:
    """Serve a looping 5 fps 320x240 MJPEG stream of this test alone; yield its URL (skip without ffmpeg)."""
    if not streams.ffmpeg_available():
        if os.environ.get("CI") == "true":
            pytest.fail("ffmpeg is missing (CI=true: a missing tool is a failure)")
        pytest.skip("ffmpeg is missing")
    frames = streams.make_jpeg_frames(tmp_path / "mjpeg", seconds=2, fps=5)
    with streams.MjpegServer(frames, fps=5) as server:
        yield server.url


@pytest.fixture
def video_system(store_url: str, town: Town, tmp_path: Path, mjpeg_camera: str) -> Iterator[VideoSystem]:
    """The app with the town, a healthy MJPEG camera looking north-east at a new case, and its snapshot taken."""
    core = Core(store=open_migrated_store(store_url))
    load_town(core.store, town)
    village = town.grids_at(GridLevel.NATURAL_VILLAGE)[0]
    spot = village.geometry.representative_point()
    now = datetime.now(UTC)
    # The case about 58 m north-east of the camera, inside its 60° wedge around 45°.
    lon, lat = spot.x + 0.0004, spot.y + 0.0004
    with core.store.unit_of_work() as uow:
        create_user(users=uow.users, username=OPERATOR, password=PASSWORD, role=Role.OPERATOR,
                    display_name="值班员", now=now)
        uow.cameras.upsert_many([make_camera(CAMERA, name="River bridge 河桥", lon=spot.x, lat=spot.y,
                                             stream_url=mjpeg_camera)])
        uow.camera_health.record(make_health(CAMERA, now))
    with core.store.unit_of_work() as uow:
        case = report_case_and_announce(uow, case_in=CaseCreate(
            title="smoke under the river bridge", category="air_pollution", lon=lon, lat=lat,
            source=CaseSource.CITIZEN), grid_path=(village.code,), actor="citizen", at=now).case
    with WorkerPool(workers=1) as pool:
        taker = SnapshotTaker(store=core.store, locator=core.locator, pool=pool, files_dir=tmp_path / "attachments",
                              policy=LOOPBACK, settings=SnapshotSettings(cameras=1, timeout_s=5.0))
        assert taker.step(datetime.now(UTC)).taken == 1, "the snapshot job took the camera's frame"
    app = create_app(store=core.store, locator=core.locator, data_dir=tmp_path, url_policy=LOOPBACK,
                     relay_settings=RelaySettings(max_fps=5, open_timeout_s=5.0, read_timeout_s=5.0))
    with serve_app(app) as base_url:
        yield VideoSystem(base_url, int(case.id), app)  # type: ignore[arg-type]
    core.store.close()


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_the_incident_panel_shows_the_covering_camera_live_and_its_snapshot(video_system: VideoSystem, tmp_path: Path,
                                                                            browser_page) -> None:
    page = browser_page
    base = video_system.base_url
    requested: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda msg: console.append(msg.text))
    log_in(page, base)

    # The camera layer, turned on: the sectors of the cameras in view, coloured by health.
    page.check("#layer-cameras")
    page.wait_for_selector("#map path.camera-sector", state="attached", timeout=10_000)

    page.locator(f"#case-list [data-case-id='{video_system.case_id}']").click()
    row = page.locator(f"#case-cameras li[data-camera-id='{CAMERA}']")
    row.wait_for(timeout=10_000)
    assert page.locator("#case-cameras li[data-camera-id]").first.get_attribute("data-camera-id") == CAMERA, \
        "the healthy camera comes first, as the API ranks it"
    assert row.get_attribute("data-health") == "ok"
    assert row.locator(".cam-status.ok").inner_text() == "正常", "the health reads in the page's language (Chinese)"

    # The snapshot taken at opening, fetched with the token and shown from a blob.
    thumb = page.locator(f"#case-snapshots figure[data-camera-id='{CAMERA}'] img")
    thumb.wait_for(timeout=10_000)
    page.wait_for_function("img => img.naturalWidth > 0", arg=thumb.element_handle(), timeout=10_000)
    assert thumb.get_attribute("src").startswith("blob:")
    assert "River bridge" in page.locator("#case-snapshots figcaption").inner_text()

    # The live view: the relay's MJPEG in an <img>, with a fresh ticket; frames arrive. The map flies to the
    # camera, and once it stops the sectors of the cameras now in view are loaded (debounced).
    with page.expect_request(lambda r: "/api/cameras/sectors?bbox=" in r.url, timeout=10_000):
        row.click()
    live = page.locator("#live-view-img")
    live.wait_for(timeout=10_000)
    page.wait_for_function("() => { const i = document.querySelector('#live-view-img');"
                           " return i && i.complete && i.naturalWidth > 0; }", timeout=15_000)
    assert "ticket=" in live.get_attribute("src")
    assert page.evaluate("document.querySelector('#live-view-img').naturalWidth") == 320
    hub = video_system.app.state.relay_hub  # type: ignore[attr-defined]
    assert CAMERA in hub.active()

    assert page.locator("#map path.camera-sector").count() >= 1

    page.wait_for_timeout(500)
    page.screenshot(path=os.environ.get("GRIDWATCH_TEST_SCREENSHOT", str(tmp_path / "case-video.png")))

    # Closing the panel stops the live view, so the relay's last viewer leaves and its reader stops.
    page.click("#detail-close")
    deadline = time.monotonic() + 10
    while CAMERA in hub.active() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert CAMERA not in hub.active(), "the relay stopped once the panel closed"

    outside = [url for url in requested if not url.startswith(base) and not url.startswith(("data:", "blob:"))]
    assert not outside, f"requests left the app's origin: {outside}"
    violations = [text for text in console if "Content Security Policy" in text]
    assert not violations, violations
