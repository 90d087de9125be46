"""Snapshots of a new case from real streams: taken by the background step, attached, served only within reach."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from cases.locator import Locator
from cases.models import CaseSource
from cases.service import CaseCreate
from cases.use_cases import report_case_and_announce
from gridwatch.snapshots import SnapshotSettings, SnapshotTaker
from jobs.pool import WorkerPool
from storage import Store
from tests.api.conftest import POLICY, ManualClock, add_accounts, login
from tests.factories import LAT, LON, T0, make_camera, make_health
from video.capture import decode_jpeg
from video.health import Health
from video.urls import UrlPolicy

POINT = (LON + 0.0006, LAT + 0.0006)  # about 87 m north-east of the base camera, inside every sector below
LOOPBACK = UrlPolicy(allowed_hosts=frozenset({"127.0.0.1"}))


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(workers=2) as started:
        yield started


def _cameras(store: Store, *, live: str, rtsp: str, dead: str) -> None:
    # Nearest first: dead (refused), faulty (last probe offline), live MJPEG, RTSP.
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([
            make_camera("cam-dead", lon=LON + 0.0004, lat=LAT + 0.0004, stream_url=dead),
            make_camera("cam-faulty", lon=LON + 0.0002, lat=LAT + 0.0002, stream_url=live),
            make_camera("cam-live", stream_url=live),
            make_camera("cam-rtsp", lon=LON - 0.0002, lat=LAT - 0.0002, stream_url=rtsp),
        ])
        uow.camera_health.record(make_health("cam-faulty", T0, status=Health.OFFLINE))
        uow.camera_health.record(make_health("cam-live", T0, status=Health.OK))


def _report(store: Store, *, grid: str) -> int:
    with store.unit_of_work() as uow:
        result = report_case_and_announce(uow, case_in=CaseCreate(
            title="smoke by the river", category="air_pollution", lon=POINT[0], lat=POINT[1], source=CaseSource.CITIZEN),
            grid_path=(grid,), actor="citizen", at=T0)
    return result.case.id  # type: ignore[return-value]


def test_new_case_gets_snapshots_from_the_nearest_working_cameras_served_within_reach(
        store: Store, pool: WorkerPool, tmp_path: Path, mjpeg_url: str, rtsp_url: str, refused_port: int) -> None:
    _cameras(store, live=mjpeg_url, rtsp=rtsp_url, dead=f"http://127.0.0.1:{refused_port}/video")
    case_id = _report(store, grid="V02")
    taker = SnapshotTaker(store=store, locator=Locator(), pool=pool, files_dir=tmp_path / "attachments",
                          policy=LOOPBACK, settings=SnapshotSettings(cameras=2, timeout_s=5.0))

    report = taker.step(T0 + timedelta(seconds=5))

    assert (report.cases, report.taken, report.failed) == (1, 2, ["cam-dead"])
    with store.read_only() as uow:
        shots = [e for e in uow.cases.events(case_id) if e.action == "attach"]
    assert [e.data["camera_id"] for e in shots] == ["cam-live", "cam-rtsp"]
    assert all(e.data["taken_at"] == (T0 + timedelta(seconds=5)).isoformat() for e in shots)
    for shot in shots:
        data = (tmp_path / "attachments" / str(case_id) / f"{shot.data['sha256']}.jpg").read_bytes()
        picture = decode_jpeg(data)
        assert picture is not None and picture.shape[:2] == (240, 320)

    # A second step finds nothing new: the request was taken once.
    assert taker.step(T0 + timedelta(seconds=10)).cases == 0

    add_accounts(store)
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=ManualClock())
    with TestClient(app) as client:
        sha = shots[0].data["sha256"]
        operator, staff = login(client, "operator"), login(client, "staff")  # staff's reach is grid V01 only
        listed = client.get(f"/api/cases/{case_id}/snapshots", headers=operator)
        assert listed.status_code == 200, listed.text
        assert [s["camera_id"] for s in listed.json()["items"]] == ["cam-live", "cam-rtsp"]
        got = client.get(f"/api/cases/{case_id}/attachments/{sha}", headers=operator)
        assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
        assert decode_jpeg(got.content) is not None
        assert client.get(f"/api/cases/{case_id}/attachments/{sha}", headers=staff).status_code == 404
        assert client.get(f"/api/cases/{case_id}/snapshots", headers=staff).status_code == 404


def test_a_case_opened_long_ago_gets_no_snapshot(store: Store, pool: WorkerPool, tmp_path: Path,
                                                  mjpeg_url: str) -> None:
    _cameras(store, live=mjpeg_url, rtsp=mjpeg_url, dead=mjpeg_url)
    _report(store, grid="V01")
    taker = SnapshotTaker(store=store, locator=Locator(), pool=pool, files_dir=tmp_path, policy=LOOPBACK,
                          settings=SnapshotSettings(max_age=timedelta(minutes=30)))
    report = taker.step(T0 + timedelta(minutes=31))
    assert (report.cases, report.taken) == (0, 0)
