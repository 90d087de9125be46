"""GET /api/cameras…: the registry's fields, the latest health, and never a stream login; every backend."""

from __future__ import annotations

import logging
import math
from datetime import timedelta

import pytest
import shapely
from pyproj import Geod
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


def test_covering_answer_ranks_healthy_first_and_marks_the_rest(app_client: TestClient, store: Store) -> None:
    # Three cameras looking at the same spot from the south: the nearest is covered, the farthest is healthy.
    spot_lon, spot_lat = 120.0, 32.3
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([
            make_camera("near-covered", lon=spot_lon, lat=spot_lat - 0.0003, bearing_deg=0.0),
            make_camera("mid-unknown", lon=spot_lon, lat=spot_lat - 0.0006, bearing_deg=0.0),
            make_camera("far-ok", lon=spot_lon, lat=spot_lat - 0.0009, bearing_deg=0.0),
            make_camera("dome-ok", lon=spot_lon + 0.0005, lat=spot_lat, mount=Mount.PTZ, bearing_deg=0.0),
        ])
        uow.camera_health.record(make_health("near-covered", T0, status=Health.COVERED))
        uow.camera_health.record(make_health("far-ok", T0, status=Health.OK))
        uow.camera_health.record(make_health("dome-ok", T0, status=Health.OK))
    answer = app_client.get(f"/api/cameras/covering?lon={spot_lon}&lat={spot_lat}", headers=login(app_client, "viewer"))
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert [(i["camera"]["id"], i["healthy"], i["camera"]["health"]["status"]) for i in items] == [
        ("dome-ok", True, "ok"), ("far-ok", True, "ok"), ("mid-unknown", False, "unknown"),
        ("near-covered", False, "covered")]
    dome, far = items[0], items[1]
    assert dome["turn_to_deg"] == pytest.approx(270.0, abs=0.2) and dome["off_axis_deg"] == 0.0
    assert 45 < dome["distance_m"] < 50
    assert far["turn_to_deg"] is None
    assert min(far["bearing_to_point_deg"], 360 - far["bearing_to_point_deg"]) < 0.2
    assert 98 < far["distance_m"] < 101 and far["off_axis_deg"] < 0.2 and far["score"] >= far["distance_m"]


def test_sectors_are_valid_wgs84_geojson_polygons(app_client: TestClient, cameras: None) -> None:
    answer = app_client.get("/api/cameras/sectors", headers=login(app_client, "viewer"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["type"] == "FeatureCollection" and body["numberMatched"] == 3
    by_id = {f["id"]: f for f in body["features"]}
    for feature in body["features"]:
        assert feature["geometry"]["type"] == "Polygon"
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1] and len(ring) >= 4
        assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring)
        polygon = shapely.Polygon(ring)
        assert polygon.is_valid and polygon.exterior.is_ccw
    assert by_id["cam-1"]["properties"]["health"]["status"] == "covered"
    assert by_id["cam-1"]["properties"]["mount"] == "ptz"
    # A PTZ camera's sector is the disc of its range, a fixed one's a wedge starting at the camera.
    disc = shapely.Polygon(by_id["cam-1"]["geometry"]["coordinates"][0])
    lon, lat, _ = Geod(ellps="WGS84").fwd(120.0, 32.3, 225.0, 140.0)  # behind its 45° bearing, within 150 m
    assert disc.contains(shapely.Point(120.0, 32.3)) and disc.contains(shapely.Point(lon, lat))
    area = abs(Geod(ellps="WGS84").geometry_area_perimeter(disc)[0])
    assert area == pytest.approx(math.pi * 150.0**2, rel=0.01)
    wedge = by_id["cam-2"]["geometry"]["coordinates"][0]
    assert wedge[0] == [120.0005, 32.3]
    assert not shapely.Polygon(wedge).contains(shapely.Point(*Geod(ellps="WGS84").fwd(120.0005, 32.3, 225.0, 50.0)[:2]))


def test_sectors_keep_to_the_bbox_and_the_page(app_client: TestClient, cameras: None) -> None:
    headers = login(app_client, "viewer")
    inside = app_client.get("/api/cameras/sectors?bbox=120.0004,32.29,120.0006,32.31", headers=headers).json()
    assert [f["id"] for f in inside["features"]] == ["cam-2"]
    paged = app_client.get("/api/cameras/sectors?limit=1&offset=1", headers=headers).json()
    assert paged["numberReturned"] == 1 and paged["numberMatched"] == 3
    assert app_client.get("/api/cameras/sectors?limit=100000", headers=headers).status_code == 422


def test_the_frame_a_probe_judged_is_served_with_its_status(app_client: TestClient, store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("cam-seen")])
        uow.camera_health.set_probe_frame("cam-seen", b"\xff\xd8jpeg", at=T0, status=Health.FROZEN)
        uow.camera_health.set_probe_frame("cam-seen", b"\xff\xd8newer", at=T0 + timedelta(minutes=10),
                                          status=Health.OK)
    headers = login(app_client, "viewer")
    answer = app_client.get("/api/cameras/cam-seen/probe-frame", headers=headers)
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/jpeg"
    assert answer.content == b"\xff\xd8newer" and answer.headers["x-probe-status"] == "ok"
    assert answer.headers["x-probed-at"] == (T0 + timedelta(minutes=10)).isoformat()
    missing = app_client.get("/api/cameras/cam-never/probe-frame", headers=headers)
    assert missing.status_code == 404 and "not probed yet" in missing.json()["detail"]
    assert app_client.get("/api/cameras/cam-seen/probe-frame").status_code == 401
