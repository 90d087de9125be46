"""GET /api/cameras…: the registry's fields, the latest health, and never a stream login; every backend."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from storage import Store
from tests.api.conftest import login
from tests.factories import T0, make_camera, make_health
from video.health import Health
from video.models import Credentials, Mount

SECRET = "Dahua-pa55word"


@pytest.fixture
def cameras(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many(
            [make_camera("cam-1", stream_url="rtsp://192.168.1.64:554/main", mount=Mount.PTZ,
                         gb_device_id="32128310011320000001", live_url="http://10.0.0.5/live/cam-1.m3u8"),
             make_camera("cam-2", lon=120.0005), make_camera("cam-3", lon=120.0008)],
            {"cam-1": Credentials("admin", SECRET)})
        uow.camera_health.record(make_health("cam-1", T0, status=Health.OK))
        uow.camera_health.record(make_health("cam-1", T0 + timedelta(minutes=5), status=Health.COVERED,
                                             detail="92% of the frame is one flat region"))
        uow.camera_health.record(make_health("cam-2", T0, status=Health.OFFLINE))


def test_list_and_item_carry_registry_fields_and_latest_health(app_client: TestClient, cameras: None) -> None:
    headers = login(app_client, "viewer")
    page = app_client.get("/api/cameras", headers=headers)
    assert page.status_code == 200, page.text
    items = {c["id"]: c for c in page.json()["items"]}
    first = items["cam-1"]
    assert (first["mount"], first["gb_device_id"], first["live_url"], first["has_credentials"]) == (
        "ptz", "32128310011320000001", "http://10.0.0.5/live/cam-1.m3u8", True)
    assert first["stream_url"] == "rtsp://192.168.1.64:554/main"
    assert first["health"] == {"status": "covered", "probed_at": (T0 + timedelta(minutes=5)).isoformat(),
                               "detail": "92% of the frame is one flat region"}
    assert items["cam-2"]["health"]["status"] == "offline" and items["cam-2"]["has_credentials"] is False
    assert items["cam-3"]["health"] == {"status": "unknown", "probed_at": None, "detail": ""}
    one = app_client.get("/api/cameras/cam-1", headers=headers).json()
    assert one == first
    geo = app_client.get("/api/cameras?format=geojson", headers=headers).json()
    assert {f["properties"]["health"]["status"] for f in geo["features"]} == {"covered", "offline", "unknown"}


def test_no_answer_and_no_log_line_carries_the_stream_login(app_client: TestClient, cameras: None,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    headers = login(app_client, "admin")
    with caplog.at_level(logging.DEBUG):
        answers = [app_client.get(path, headers=headers) for path in (
            "/api/cameras", "/api/cameras/cam-1", "/api/cameras?format=geojson",
            "/api/cameras/covering?lon=120.0005&lat=32.3005", "/openapi.json")]
    assert all(a.status_code == 200 for a in answers)
    for answer in answers:
        assert SECRET not in answer.text and "admin:" not in answer.text
    assert SECRET not in caplog.text


def test_covering_cameras_carry_their_health(app_client: TestClient, cameras: None) -> None:
    answer = app_client.get("/api/cameras/covering?lon=120.0005&lat=32.3005", headers=login(app_client, "viewer"))
    assert answer.status_code == 200, answer.text
    health = {i["camera"]["id"]: i["camera"]["health"]["status"] for i in answer.json()["items"]}
    assert health == {"cam-1": "covered"}
