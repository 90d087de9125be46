"""The device registry over HTTP: provision, replace, retire, CSV import all-or-nothing, quarantine; every backend."""

from __future__ import annotations

from fastapi.testclient import TestClient
from shapely.geometry import box

from gis.models import GridLevel
from iot.models import QuarantineEntry, SensorKind
from storage import Store
from tests.api.conftest import login
from tests.factories import LAT, LON, at, make_device, make_grid, make_reading

WATER = {"id": "WL-100", "kind": "water_level", "name": "北河1号水位站", "lon": LON + 0.002, "lat": LAT,
         "department": "水利站"}


def _grids(store: Store) -> None:
    town = make_grid("T01", size=0.02, level=GridLevel.TOWN)
    village = make_grid("V01", geometry=box(LON, LAT - 0.01, LON + 0.01, LAT + 0.01), level=GridLevel.VILLAGE,
                        parent_code="T01")
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([town, village])


def test_create_locates_grid_applies_catalogue_and_refuses_a_second_create(app_client: TestClient,
                                                                          store: Store) -> None:
    _grids(store)
    headers = login(app_client, "operator")
    made = app_client.post("/api/devices", json=WATER, headers=headers)
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["grid_code"], body["department"], body["interval_s"]) == ("V01", "水利站", 300)
    assert body["metrics"] == {"level_m": {"unit": "m", "min": -5.0, "max": 30.0}}
    again = app_client.post("/api/devices", json=WATER, headers=headers)
    assert again.status_code == 409 and "WL-100" in again.json()["detail"]
    got = app_client.get("/api/devices/WL-100", headers=login(app_client, "viewer"))
    assert got.status_code == 200 and got.json() == body
    app_client.post("/api/devices", json={**WATER, "id": "WL-101", "department": "other"}, headers=headers)
    app_client.post("/api/devices", json={**WATER, "id": "WL-102", "lon": LON - 0.002}, headers=headers)
    listed = app_client.get("/api/devices?grid_code=V01&department=水利站", headers=headers).json()
    assert [d["id"] for d in listed["items"]] == ["WL-100"] and listed["total"] == 1


def test_create_refuses_each_broken_rule_saying_which_field(app_client: TestClient) -> None:
    headers = login(app_client, "admin")
    cases = {
        "kind": {**WATER, "kind": "toaster"},
        "lon": {**WATER, "lon": None, "lat": None},
        "lat": {**WATER, "lat": 95.0},
        "crs": {**WATER, "crs": "utm50"},
        "unit": {**WATER, "metrics": {"level_m": {"unit": "cm", "min": 0, "max": 900}}},
        "above max": {**WATER, "metrics": {"level_m": {"unit": "m", "min": 9, "max": 1}}},
    }
    for word, body in cases.items():
        answer = app_client.post("/api/devices", json=body, headers=headers)
        assert answer.status_code == 422, (word, answer.text)
        # Shapes the body's schema states are refused by it (a list naming the field), rules by the registry.
        assert word in str(answer.json()["detail"]), (word, answer.text)


def test_mobile_device_needs_no_position_and_gcj02_is_converted(app_client: TestClient) -> None:
    headers = login(app_client, "admin")
    mobile = app_client.post("/api/devices", json={"id": "CC-T1", "kind": "cold_chain", "name": "冷链车1号",
                                                   "mobile": True, "interval_s": 30}, headers=headers)
    assert mobile.status_code == 201, mobile.text
    assert (mobile.json()["lon"], mobile.json()["grid_code"], mobile.json()["interval_s"]) == (None, "", 30)
    shifted = app_client.post("/api/devices", json={**WATER, "id": "WL-G", "crs": "gcj02"}, headers=headers).json()
    assert abs(shifted["lon"] - WATER["lon"]) > 1e-4  # GCJ-02 moved back to WGS-84
    geo = app_client.get("/api/devices?format=geojson", headers=headers).json()
    assert {f["id"]: f["geometry"] for f in geo["features"]}["CC-T1"] is None


def test_put_replaces_and_delete_retires_keeping_readings(app_client: TestClient, store: Store) -> None:
    headers = login(app_client, "operator")
    assert app_client.put("/api/devices/WL-100", json={k: v for k, v in WATER.items() if k != "id"},
                          headers=headers).status_code == 404
    app_client.post("/api/devices", json=WATER, headers=headers)
    replaced = app_client.put("/api/devices/WL-100", json={"kind": "water_level", "name": "改名", "lon": LON,
                                                           "lat": LAT, "grid_code": "X9"}, headers=headers)
    assert replaced.status_code == 200 and (replaced.json()["name"], replaced.json()["grid_code"],
                                            replaced.json()["department"]) == ("改名", "X9", "")
    with store.unit_of_work() as uow:
        uow.readings.add_many([make_reading("WL-100", ts=at(0), values={"level_m": 1.0})])
    assert app_client.delete("/api/devices/WL-100", headers=headers).status_code == 204
    assert app_client.get("/api/devices/WL-100", headers=headers).status_code == 404
    assert app_client.delete("/api/devices/WL-100", headers=headers).status_code == 404
    with store.read_only() as uow:
        assert uow.readings.count(device_id="WL-100") == 1


CSV = ("id,kind,name,lon,lat,crs,mobile,grid_code,department,interval_s,metrics\n"
       f"AQ-9,air_quality,站9,{LON + 0.003},{LAT},,,,环保所,,pm25:µg/m³:0:800\n"
       "CC-9,cold_chain,冷链车9,,,,true,,,60,\n")


def test_csv_import_writes_all_rows_and_dry_run_writes_none(app_client: TestClient, store: Store) -> None:
    _grids(store)
    with store.unit_of_work() as uow:
        uow.devices.upsert_many([make_device("AQ-9")])
    headers = {**login(app_client, "operator"), "Content-Type": "text/csv"}
    dry = app_client.post("/api/devices/import?dry_run=true", content=CSV.encode(), headers=headers)
    assert dry.status_code == 200, dry.text
    assert dry.json() == {"rows": 2, "created": 1, "updated": 1, "dry_run": True}
    with store.read_only() as uow:
        assert uow.devices.get("CC-9") is None
    done = app_client.post("/api/devices/import", content=CSV.encode(), headers=headers)
    assert done.json() == {"rows": 2, "created": 1, "updated": 1, "dry_run": False}
    with store.read_only() as uow:
        aq, cc = uow.devices.get("AQ-9"), uow.devices.get("CC-9")
    assert aq is not None and (aq.grid_code, aq.department, aq.metrics["pm25"].max) == ("V01", "环保所", 800.0)
    assert cc is not None and cc.mobile and cc.interval_s == 60


def test_csv_import_with_one_bad_row_writes_nothing_and_reports_each_line_and_column(app_client: TestClient,
                                                                                    store: Store) -> None:
    bad = CSV + ("WL-9,water_level,站,200,30,,,,,,\n"
                 "SM-9,smoke,烟感,,,,,,,,\n"
                 "AQ-9,air_quality,重复,120,30,,,,,,\n"
                 "NS-9,noise,噪声,120,30,,,,,,db:dB:0:10\n"
                 "XX-9,toaster,?,120,30,,,,,,\n")
    headers = {**login(app_client, "admin"), "Content-Type": "text/csv"}
    answer = app_client.post("/api/devices/import", content=bad.encode(), headers=headers)
    assert answer.status_code == 422, answer.text
    found = {(p["line"], p["column"]) for p in answer.json()["detail"]}
    assert found == {(4, "lon/lat"), (5, "lon"), (6, "id"), (7, "metrics"), (8, "kind")}
    with store.read_only() as uow:
        assert uow.devices.count() == 0


def test_csv_import_as_upload_and_refuses_other_types(app_client: TestClient) -> None:
    headers = login(app_client, "admin")
    upload = app_client.post("/api/devices/import", files={"file": ("devices.csv", CSV.encode(), "text/csv")},
                             headers=headers)
    assert upload.status_code == 200, upload.text
    assert upload.json()["created"] == 2
    other = app_client.post("/api/devices/import", json={"id": "x"}, headers=headers)
    assert other.status_code == 415 and "Content-Type" in other.json()["detail"]


def _quarantine(store: Store, device_id: str = "NS-NEW", **overrides: object) -> None:
    fields: dict[str, object] = dict(device_id=device_id, topic=f"gridwatch/sensors/{device_id}/readings",
                                     first_seen_at=at(0), last_seen_at=at(3), messages=4,
                                     payload_prefix=b'{"values": {"db": 61}}', lon=LON + 0.002, lat=LAT,
                                     crs="wgs84", suggested_kind=SensorKind.NOISE)
    with store.unit_of_work() as uow:
        uow.quarantine.record_many([QuarantineEntry(**{**fields, **overrides})])  # type: ignore[arg-type]


def test_quarantine_lists_then_adopt_provisions_from_the_last_message(app_client: TestClient, store: Store) -> None:
    _grids(store)
    _quarantine(store)
    _quarantine(store, "OLD", last_seen_at=at(1), lon=None, lat=None, crs=None, suggested_kind=None)
    headers = login(app_client, "supervisor")
    listed = app_client.get("/api/devices/quarantine", headers=headers)
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert [i["device_id"] for i in items] == ["NS-NEW", "OLD"]
    assert (items[0]["messages"], items[0]["suggested_kind"], items[0]["payload_text"]) == (
        4, "noise", '{"values": {"db": 61}}')
    operator = login(app_client, "operator")
    adopted = app_client.post("/api/devices/quarantine/NS-NEW/adopt", json={"department": "综合执法队"},
                              headers=operator)
    assert adopted.status_code == 201, adopted.text
    assert (adopted.json()["kind"], adopted.json()["name"], adopted.json()["grid_code"]) == ("noise", "NS-NEW", "V01")
    no_kind = app_client.post("/api/devices/quarantine/OLD/adopt", json={}, headers=operator)
    assert no_kind.status_code == 422 and "kind" in no_kind.json()["detail"]
    assert app_client.post("/api/devices/quarantine/NS-NEW/adopt", json={}, headers=operator).status_code == 404
    assert app_client.delete("/api/devices/quarantine/OLD", headers=operator).status_code == 204
    assert app_client.delete("/api/devices/quarantine/OLD", headers=operator).status_code == 404
    assert app_client.get("/api/devices/quarantine", headers=headers).json()["total"] == 0


def test_adopt_refuses_a_device_provisioned_meanwhile(app_client: TestClient, store: Store) -> None:
    _quarantine(store)
    with store.unit_of_work() as uow:
        uow.devices.upsert_many([make_device("NS-NEW", kind=SensorKind.NOISE)])
    answer = app_client.post("/api/devices/quarantine/NS-NEW/adopt", json={}, headers=login(app_client, "admin"))
    assert answer.status_code == 409 and "dismiss" in answer.json()["detail"]


def test_csv_that_is_not_csv_is_refused_with_its_line_never_a_500(app_client: TestClient, store: Store) -> None:
    headers = {**login(app_client, "admin"), "Content-Type": "text/csv"}
    for body in ("id,kind,name\nA,noise,x\rB\n", 'id,kind,name\n"A,noise\n', "", "\u0000,\u0000\n\u0000"):
        answer = app_client.post("/api/devices/import", content=body.encode(), headers=headers)
        assert answer.status_code == 422, (body, answer.text)
        assert all("line" in p and "message" in p for p in answer.json()["detail"])
    with store.read_only() as uow:
        assert uow.devices.count() == 0


def test_every_registry_write_is_audited_with_its_device(app_client: TestClient, store: Store) -> None:
    _quarantine(store)
    admin = login(app_client, "admin")
    app_client.post("/api/devices/quarantine/NS-NEW/adopt", json={}, headers=admin)
    app_client.delete("/api/devices/NS-NEW", headers=admin)
    app_client.post("/api/devices", json={**WATER, "kind": "toaster"}, headers=admin)
    entries = app_client.get("/api/audit", headers=admin).json()["items"]
    seen = {(e["action"], e["target"], e["outcome"]) for e in entries}
    assert ("POST /api/devices/quarantine/{device_id}/adopt", "device_id=NS-NEW", "ok") in seen
    assert ("DELETE /api/devices/{device_id}", "device_id=NS-NEW", "ok") in seen
    assert ("POST /api/devices", "", "invalid") in seen
