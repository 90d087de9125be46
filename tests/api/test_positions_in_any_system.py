"""Positions in a projected CGCS2000 zone land in the right grid; a point outside every grid is kept and flagged."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from gis.crs import from_wgs84, parse_crs
from gis.index import GridIndex
from iot.models import Device, SensorKind
from iot.payloads import parse_position, parse_reading
from storage import Store
from tests.api.conftest import login
from tests.factories import make_box_town

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ZONE = parse_crs("EPSG:4528")  # 3-degree zone 40, CM 120E: the box town lies on it


def _seed_grids(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.replace_all(make_box_town())


def test_an_mqtt_reading_and_a_team_position_in_a_gauss_kruger_zone_locate_in_the_right_grid() -> None:
    index = GridIndex(make_box_town())
    x, y = from_wgs84(120.15, 32.07, ZONE)
    body = f'{{"ts": "2026-11-23T07:00:00Z", "values": {{"db": 50}}, "lon": {x}, "lat": {y}, "crs": "EPSG:4528"}}'
    device = Device("N-1", SensorKind.NOISE, "噪声", 120.0, 32.3, mobile=True)
    reading = parse_reading("gridwatch/sensors/N-1/readings", body.encode(), device=device, now=NOW)
    assert index.locate(reading.lon, reading.lat).codes == ("T", "T1", "T1a")
    x, y = from_wgs84(120.05, 32.02, ZONE)
    body = f'{{"ts": "2026-11-23T07:00:00Z", "lon": {x}, "lat": {y}, "crs": "epsg:4528"}}'
    position = parse_position("gridwatch/teams/T-1/position", body.encode(), team_id="T-1", now=NOW)
    assert index.locate(position.lon, position.lat).codes == ("T", "T0", "T0a")


def test_a_case_reported_in_a_gauss_kruger_zone_lands_in_its_grid(store: Store, app_client: TestClient) -> None:
    _seed_grids(store)
    headers = login(app_client, "operator")
    x, y = from_wgs84(120.05, 32.07, ZONE)
    answer = app_client.post("/api/cases", headers=headers, json={
        "title": "占道", "category": "dispute", "lon": x, "lat": y, "crs": "EPSG:4528"})
    assert answer.status_code == 201, answer.text
    case = answer.json()
    assert case["grid_path"] == ["T", "T0", "T0b"] and case["outside_jurisdiction"] is False
    assert abs(case["lon"] - 120.05) < 1e-8 and abs(case["lat"] - 32.07) < 1e-8


def test_a_case_outside_every_grid_is_kept_with_an_empty_path_and_flagged(store: Store, app_client: TestClient) -> None:
    _seed_grids(store)
    headers = login(app_client, "operator")
    answer = app_client.post("/api/cases", headers=headers, json={
        "title": "河对岸", "category": "dispute", "lon": 120.5, "lat": 32.5})
    assert answer.status_code == 201, answer.text
    case_id = answer.json()["id"]
    assert answer.json()["grid_path"] == [] and answer.json()["outside_jurisdiction"] is True
    detail = app_client.get(f"/api/cases/{case_id}", headers=headers).json()
    assert detail["outside_jurisdiction"] is True and detail["grid_path"] == []
    listed = app_client.get("/api/cases", headers=headers).json()
    assert [c["outside_jurisdiction"] for c in listed["items"] if c["id"] == case_id] == [True]


def test_a_position_in_an_unknown_or_wrong_system_is_a_clear_400(store: Store, app_client: TestClient) -> None:
    headers = login(app_client, "operator")
    unknown = app_client.post("/api/cases", headers=headers, json={
        "title": "t", "category": "dispute", "lon": 120.0, "lat": 32.0, "crs": "EPSG:3857"})
    assert unknown.status_code in (400, 422) and "EPSG:3857 is not supported" in unknown.text
    swapped = app_client.post("/api/cases", headers=headers, json={
        "title": "t", "category": "dispute", "lon": 3_550_000.0, "lat": 40_500_000.0, "crs": "EPSG:4528"})
    assert swapped.status_code in (400, 422) and "swapped" in swapped.text


def test_an_alert_outside_every_grid_is_listed_and_flagged(store: Store, app_client: TestClient) -> None:
    from tests.factories import make_alert

    with store.unit_of_work() as uow:
        uow.alerts.add(make_alert("out-1", lon=121.5, lat=33.0, grid_path=()))
        uow.alerts.add(make_alert("in-1", grid_path=("T", "T0")))
    answer = app_client.get("/api/alerts", headers=login(app_client, "operator"))
    assert answer.status_code == 200, answer.text
    flags = {a["device_id"]: a["outside_jurisdiction"] for a in answer.json()["items"]}
    assert flags == {"out-1": True, "in-1": False}


def test_a_device_provisioned_in_a_gauss_kruger_zone_gets_its_grid(store: Store, app_client: TestClient) -> None:
    _seed_grids(store)
    x, y = from_wgs84(120.15, 32.03, ZONE)
    answer = app_client.post("/api/devices", headers=login(app_client, "admin"), json={
        "id": "WL-9", "kind": "water_level", "name": "北河水位", "lon": x, "lat": y, "crs": "EPSG:4528"})
    assert answer.status_code == 201, answer.text
    device = answer.json()
    assert device["grid_code"] == "T1a" and abs(device["lon"] - 120.15) < 1e-8 and abs(device["lat"] - 32.03) < 1e-8
    refused = app_client.post("/api/devices", headers=login(app_client, "admin"), json={
        "id": "WL-10", "kind": "water_level", "name": "x", "lon": x, "lat": y, "crs": "EPSG:2385"})
    assert refused.status_code == 422 and "EPSG:2385 is not supported" in refused.text
