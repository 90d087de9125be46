"""The grid routes: levels of any depth with counts, detail, locate one and many, edits and their refusals, sets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box

from alerts.models import AlertStatus
from cases.models import CaseStatus, Platform
from gis.crs import Crs, from_wgs84
from gis.models import GridStaff, StaffRole
from storage import Store
from tests.api.conftest import login
from tests.factories import LAT, LON, at, make_alert, make_case, make_grid

HEAD = GridStaff(StaffRole.HEAD, "张伟", "13812345678", "zhangwei")
# Four levels, unevenly deep: V02 is a leaf at level 2, N01 is split into level-4 grids, N02 is not.
GRIDS = [
    make_grid("T01", size=0.04, staff=(HEAD,)),
    make_grid("V01", geometry=box(LON - 0.02, LAT - 0.02, LON, LAT + 0.02), level=2, parent_code="T01", staff=()),
    make_grid("V02", geometry=box(LON, LAT - 0.02, LON + 0.02, LAT + 0.02), level=2, parent_code="T01", staff=()),
    make_grid("N01", geometry=box(LON - 0.02, LAT - 0.02, LON, LAT), level=3, parent_code="V01", staff=()),
    make_grid("N02", geometry=box(LON - 0.02, LAT, LON, LAT + 0.02), level=3, parent_code="V01", staff=()),
    make_grid("S01", geometry=box(LON - 0.02, LAT - 0.02, LON - 0.01, LAT), level=4, parent_code="N01", staff=()),
    make_grid("S02", geometry=box(LON - 0.01, LAT - 0.02, LON, LAT), level=4, parent_code="N01", staff=()),
]
S01_PATH = ("T01", "V01", "N01", "S01")


@pytest.fixture
def seeded(store: Store, app_client: TestClient) -> Iterator[TestClient]:
    """Seed the grids, open and closed cases and alerts; yield the client."""
    with store.unit_of_work() as uow:
        uow.grids.upsert_many(GRIDS)
        uow.cases.add(make_case(grid_path=S01_PATH))
        uow.cases.add(make_case(grid_path=S01_PATH, status=CaseStatus.CLOSED))
        uow.cases.add(make_case(grid_path=("T01", "V02"), platform=Platform.MARKET))
        uow.alerts.add(make_alert("a", grid_path=S01_PATH))
        uow.alerts.add(make_alert("b", grid_path=("T01", "V01", "N02"), status=AlertStatus.ACKNOWLEDGED,
                                  acknowledged_by="user:x", acknowledged_at=at(1), raised_at=at(1)))
        uow.alerts.add(make_alert("c", grid_path=("T01", "V02"), status=AlertStatus.CLEARED, cleared_at=at(3),
                                  raised_at=at(2)))
    yield app_client


def test_any_level_lists_with_open_cases_and_alerts_counted_up_the_hierarchy(seeded: TestClient) -> None:
    operator = login(seeded, "operator")
    deepest = seeded.get("/api/grids?level=4&format=geojson", headers=operator).json()
    assert [f["id"] for f in deepest["features"]] == ["S01", "S02"]
    assert [(f["properties"]["open_cases"], f["properties"]["open_alerts"]) for f in deepest["features"]] == [
        (1, 1), (0, 0)]
    assert deepest["features"][0]["properties"]["level"] == 4
    assert deepest["features"][0]["geometry"]["type"] == "Polygon"
    everything = {g["code"]: g for g in seeded.get("/api/grids", headers=operator).json()["items"]}
    assert {code: (g["open_cases"], g["open_alerts"]) for code, g in everything.items()} == {
        "T01": (2, 2), "V01": (1, 2), "V02": (1, 0), "N01": (1, 1), "N02": (0, 1), "S01": (1, 1), "S02": (0, 0)}
    assert seeded.get("/api/grids?level=9", headers=operator).json()["total"] == 0
    assert seeded.get("/api/grids?level=0", headers=operator).status_code == 422


def test_staff_phones_are_masked_for_roles_that_may_not_read_personal_data(seeded: TestClient) -> None:
    def town_staff(who: str) -> list[dict]:
        return seeded.get("/api/grids?level=1", headers=login(seeded, who)).json()["items"][0]["staff"]

    assert town_staff("operator") == [{"role": "head", "name": "张伟", "phone": "13812345678", "username": "zhangwei"}]
    assert town_staff("viewer")[0]["phone"] == "138****5678" and town_staff("viewer")[0]["name"] == "张伟"


def test_grid_staff_count_only_the_cases_within_their_reach(seeded: TestClient) -> None:
    items = {g["code"]: g for g in seeded.get("/api/grids", headers=login(seeded, "staff")).json()["items"]}
    # The staff account reaches V01 only: the market case in V02 is not theirs to count.
    assert (items["T01"]["open_cases"], items["V02"]["open_cases"], items["V01"]["open_cases"]) == (1, 0, 1)
    assert items["V02"]["open_alerts"] == 0 and items["T01"]["open_alerts"] == 2


def test_detail_gives_staff_parent_children_level_and_counts(seeded: TestClient) -> None:
    viewer = login(seeded, "viewer")
    detail = seeded.get("/api/grids/N01", headers=viewer).json()
    props = detail["properties"]
    assert detail["id"] == "N01" and detail["geometry"]["type"] == "Polygon"
    assert props["parent"] == {"code": "V01", "name": "Grid V01", "level": 2, "parent_code": "T01"}
    assert (props["children"], props["level"], props["open_cases"], props["open_alerts"]) == (["S01", "S02"], 3, 1, 1)
    town = seeded.get("/api/grids/T01", headers=viewer).json()["properties"]
    assert town["parent"] is None and town["children"] == ["V01", "V02"] and len(town["staff"]) == 1
    assert seeded.get("/api/grids/NOPE", headers=viewer).status_code == 404


def test_locate_answers_every_level_coarsest_first_and_flags_outside(seeded: TestClient) -> None:
    viewer = login(seeded, "viewer")
    inside = seeded.get(f"/api/grids/locate?lon={LON - 0.015}&lat={LAT - 0.01}", headers=viewer).json()
    assert inside["grid_path"] == list(S01_PATH) and inside["outside_jurisdiction"] is False
    assert [(g["code"], g["level"]) for g in inside["grids"]] == [("T01", 1), ("V01", 2), ("N01", 3), ("S01", 4)]
    shallow = seeded.get(f"/api/grids/locate?lon={LON + 0.01}&lat={LAT}", headers=viewer).json()
    assert shallow["grid_path"] == ["T01", "V02"]
    outside = seeded.get("/api/grids/locate?lon=121.5&lat=31.0", headers=viewer).json()
    assert (outside["grid_path"], outside["grids"], outside["outside_jurisdiction"]) == ([], [], True)
    # On the edge shared by S01 and S02 the lowest code wins, every time.
    edge = seeded.get(f"/api/grids/locate?lon={LON - 0.01}&lat={LAT - 0.01}", headers=viewer).json()
    assert edge["grid_path"][-1] == "S01"
    gcj_lon, gcj_lat = from_wgs84(LON - 0.015, LAT - 0.01, Crs.GCJ02)
    shifted = seeded.get(f"/api/grids/locate?lon={gcj_lon}&lat={gcj_lat}&crs=gcj02", headers=viewer).json()
    assert shifted["grid_path"] == list(S01_PATH) and shifted["crs"] == "gcj02"
    assert abs(shifted["lon"] - (LON - 0.015)) < 1e-6
    assert seeded.get("/api/grids/locate?lon=120&lat=32&crs=mars", headers=viewer).status_code == 422


def test_bulk_locate_answers_each_point_in_order_and_names_each_grid_once(seeded: TestClient) -> None:
    gcj = [list(from_wgs84(LON - 0.015, LAT - 0.01, Crs.GCJ02)), list(from_wgs84(LON + 0.01, LAT, Crs.GCJ02)),
           [2.35, 48.85]]
    answer = seeded.post("/api/grids/locate", json={"crs": "gcj02", "points": gcj}, headers=login(seeded, "viewer"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [p["grid_path"] for p in body["points"]] == [list(S01_PATH), ["T01", "V02"], []]
    assert [p["outside_jurisdiction"] for p in body["points"]] == [False, False, True]
    assert (body["count"], body["outside"], body["crs"]) == (3, 1, "gcj02")
    assert sorted(body["grids"]) == ["N01", "S01", "T01", "V01", "V02"] and body["grids"]["S01"]["level"] == 4
    assert body["points"][2]["lon"] == 2.35  # outside China: never shifted


@pytest.mark.parametrize(("points", "status", "message"), [
    ([[120.0, 32.0], [120.0, 95.0]], 422, "body.points[1]: [120.0, 95.0] is not a lon/lat"),
    ([[120.0, 32.0], [200.0, 32.0], [0, -91]], 422, "(and 1 more)"),
    ([[120.0]], 422, "points"),
    ([[120.0, 32.0]] * 10_001, 413, "body.points: 10001 points; a request locates at most 10000"),
])
def test_bulk_locate_refuses_bad_points_naming_the_index(seeded: TestClient, points: list, status: int,
                                                         message: str) -> None:
    answer = seeded.post("/api/grids/locate", json={"points": points}, headers=login(seeded, "viewer"))
    assert answer.status_code == status and message in answer.text, answer.text


def test_bulk_locate_of_ten_thousand_points_is_one_request(seeded: TestClient) -> None:
    points = [[LON - 0.015 + i * 1e-7, LAT - 0.01] for i in range(10_000)]
    body = seeded.post("/api/grids/locate", json={"points": points}, headers=login(seeded, "viewer")).json()
    assert body["count"] == 10_000 and body["outside"] == 0


def test_patch_renames_and_moves_a_grid_one_level_up_only(seeded: TestClient, store: Store) -> None:
    operator = login(seeded, "operator")
    renamed = seeded.patch("/api/grids/N02", json={"name": " 杨庄 "}, headers=operator)
    assert renamed.status_code == 200 and renamed.json()["properties"]["name"] == "杨庄"
    moved = seeded.patch("/api/grids/N02", json={"parent_code": "V02"}, headers=operator).json()["properties"]
    assert moved["parent"]["code"] == "V02" and moved["name"] == "杨庄"
    assert seeded.get("/api/grids/V02", headers=operator).json()["properties"]["children"] == ["N02"]
    with store.read_only() as uow:
        assert uow.grids.get("N02").geometry.equals(GRIDS[4].geometry)  # type: ignore[union-attr]
        entries = [e for e in uow.audit.entries() if e.action == "PATCH /api/grids/{code}"]
    assert [e.target for e in entries] == ["code=N02", "code=N02"]


@pytest.mark.parametrize(("code", "body", "status", "message"), [
    ("N02", {"parent_code": "T01"}, 422, "parent T01 is level 1; a level-3 grid's parent must be level 2"),
    ("N02", {"parent_code": "NOPE"}, 422, "parent_code 'NOPE' is not the code of any grid"),
    ("V01", {"parent_code": "S01"}, 422, "lies under V01; that would make a cycle"),
    ("N02", {"parent_code": None}, 422, "needs a parent of level 2"),
    ("N02", {"parent_code": "N02"}, 422, "cannot be its own parent"),
    ("N02", {"geometry": {"type": "Polygon", "coordinates": []}}, 422, "only by importing a new grid set"),
    ("N02", {"level": 2}, 422, "only by importing a new grid set"),
    ("N02", {"name": ""}, 422, "name"),
    ("N02", {"colour": "red"}, 422, "colour"),
    ("NOPE", {"name": "x"}, 404, "'NOPE': no such grid"),
])
def test_patch_refuses_what_does_not_fit_and_changes_nothing(seeded: TestClient, store: Store, code: str,
                                                             body: dict, status: int, message: str) -> None:
    answer = seeded.patch(f"/api/grids/{code}", json=body, headers=login(seeded, "operator"))
    assert answer.status_code == status and message in answer.text, answer.text
    with store.read_only() as uow:
        assert [(g.code, g.name, g.parent_code) for g in uow.grids.all()] == [
            (g.code, g.name, g.parent_code) for g in sorted(GRIDS, key=lambda g: g.code)]


def test_put_staff_replaces_the_list_in_order(seeded: TestClient) -> None:
    people = [{"role": "head", "name": "李娜", "phone": "13900000001"}, {"role": "member", "name": "王芳"},
              {"role": "member", "name": "赵强", "username": "zhaoq"}, {"role": "inspector", "name": "钱多"}]
    answer = seeded.put("/api/grids/V01/staff", json=people, headers=login(seeded, "admin"))
    assert answer.status_code == 200, answer.text
    staff = answer.json()["properties"]["staff"]
    assert [(p["role"], p["name"], p["username"]) for p in staff] == [
        ("head", "李娜", ""), ("member", "王芳", ""), ("member", "赵强", "zhaoq"), ("inspector", "钱多", "")]
    assert seeded.put("/api/grids/V01/staff", json=[], headers=login(seeded, "admin")).json()["properties"][
        "staff"] == []


@pytest.mark.parametrize(("code", "body", "status", "message"), [
    ("V01", [{"role": "head", "name": "甲"}, {"role": "head", "name": "乙"}], 422, "2 heads"),
    ("V01", [{"role": "mayor", "name": "甲"}], 422, "role"),
    ("V01", [{"role": "member", "name": "甲", "phone": "call me"}], 422, "phone"),
    ("V01", {"staff": []}, 422, "list"),
    ("NOPE", [{"role": "head", "name": "甲"}], 404, "'NOPE': no such grid"),
])
def test_put_staff_refuses_bad_lists(seeded: TestClient, code: str, body: object, status: int, message: str) -> None:
    answer = seeded.put(f"/api/grids/{code}/staff", json=body, headers=login(seeded, "operator"))
    assert answer.status_code == status and message in answer.text, answer.text


@pytest.mark.parametrize("who", ["viewer", "supervisor", "member", "staff"])
def test_only_grid_admins_edit_grids(seeded: TestClient, who: str) -> None:
    headers = login(seeded, who)
    assert seeded.patch("/api/grids/N02", json={"name": "x"}, headers=headers).status_code == 403
    assert seeded.put("/api/grids/N02/staff", json=[], headers=headers).status_code == 403


def test_sets_list_the_history_newest_first(seeded: TestClient, store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.replace_set(GRIDS[:3], source="survey.gpkg", note="spring", created_at=at(60))
    items = seeded.get("/api/grids/sets", headers=login(seeded, "viewer")).json()["items"]
    assert [(s["source"], s["grid_count"], s["active"]) for s in items] == [("survey.gpkg", 3, True),
                                                                           ("initial", 7, False)]
    assert items[0]["created_at"] == at(60).isoformat()
