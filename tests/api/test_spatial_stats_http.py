"""GET /api/stats/heatmap, /api/stats/grid-counts and /api/nearby: answers, caps and access."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from cases.spatial_stats import BinPlane
from storage import Store
from tests.api.conftest import login
from tests.factories import LAT, LON, T0, make_camera, make_case, make_team

BBOX = "120.0,32.0,120.1,32.08"


def _seed(store: Store) -> None:
    with store.unit_of_work() as uow:
        for i, (x, y) in enumerate([(120.0101, 32.0101), (120.0102, 32.0102), (120.05, 32.05), (121.5, 33.0)]):
            uow.cases.add(make_case(f"c{i}", lon=x, lat=y, created_at=T0 + timedelta(minutes=i),
                                    category="litter" if i != 1 else "noise",
                                    grid_path=() if i == 3 else ("T", "T0")))


def test_heatmap_bins_cases_of_a_period_in_a_bbox(store: Store, app_client: TestClient) -> None:
    _seed(store)
    headers = login(app_client, "viewer")
    answer = app_client.get("/api/stats/heatmap", headers=headers, params={
        "of": "cases", "since": T0.isoformat(), "until": (T0 + timedelta(hours=1)).isoformat(), "cell_m": 500,
        "bbox": BBOX})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    plane = BinPlane.over((120.0, 32.0, 120.1, 32.08), 500.0)
    assert body["total"] == 3 and body["origin"] == [120.0, 32.0]
    assert [(b["ix"], b["iy"], b["count"]) for b in body["bins"]] == [
        (*plane.cell_of(120.0101, 32.0101), 2), (*plane.cell_of(120.05, 32.05), 1)]
    litter = app_client.get("/api/stats/heatmap", headers=headers, params={
        "since": T0.isoformat(), "until": (T0 + timedelta(hours=1)).isoformat(), "bbox": BBOX, "category": "litter"})
    assert litter.json()["total"] == 2


def test_grid_counts_include_what_lies_outside_jurisdiction(store: Store, app_client: TestClient) -> None:
    _seed(store)
    answer = app_client.get("/api/stats/grid-counts", headers=login(app_client, "operator"), params={
        "since": T0.isoformat(), "until": (T0 + timedelta(hours=1)).isoformat(), "level": 2})
    assert answer.status_code == 200, answer.text
    assert answer.json()["total"] == 4 and answer.json()["outside_jurisdiction"] == 1
    assert answer.json()["grids"] == [{"code": "T0", "level": 2, "count": 3}]


def test_bad_heatmap_parameters_are_clear_4xx(store: Store, app_client: TestClient) -> None:
    headers = login(app_client, "operator")
    cases = {
        "until before since": ({"since": T0.isoformat(), "until": (T0 - timedelta(hours=1)).isoformat()}, "not after"),
        "too long": ({"since": T0.isoformat(), "until": (T0 + timedelta(days=400)).isoformat()}, "at most 366"),
        "too many bins": ({"bbox": "119.0,31.0,121.0,32.9", "cell_m": 10}, "bins, at most"),
        "tiny cell": ({"cell_m": 1}, "cell_m"),
        "bad kind": ({"of": "teams"}, "of"),
        "bad bbox": ({"bbox": "1,2,3"}, "bbox"),
    }
    for name, (params, says) in cases.items():
        answer = app_client.get("/api/stats/heatmap", headers=headers, params=params)
        assert answer.status_code == 422 and says in answer.text, (name, answer.text)


def test_stats_need_a_login(app_client: TestClient) -> None:
    assert app_client.get("/api/stats/heatmap").status_code == 401
    assert app_client.get("/api/nearby", params={"lon": LON, "lat": LAT}).status_code == 401


def test_nearby_lists_teams_and_cameras_within_the_radius(store: Store, app_client: TestClient) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1", lon=LON + 0.001, lat=LAT), make_team("gov-2", lon=LON + 0.05, lat=LAT)])
        uow.cameras.upsert_many([make_camera("cam-1", lon=LON, lat=LAT + 0.001)])
    answer = app_client.get("/api/nearby", headers=login(app_client, "operator"),
                            params={"lon": LON, "lat": LAT, "radius_m": 300})
    assert answer.status_code == 200, answer.text
    assert [t["id"] for t in answer.json()["teams"]] == ["gov-1"]
    assert [c["id"] for c in answer.json()["cameras"]] == ["cam-1"]
    too_far = app_client.get("/api/nearby", headers=login(app_client, "operator"),
                             params={"lon": LON, "lat": LAT, "radius_m": 50_000})
    assert too_far.status_code == 422


def test_grid_staff_count_only_the_cases_within_their_reach(store: Store, app_client: TestClient) -> None:
    with store.unit_of_work() as uow:
        uow.cases.add(make_case("mine", lon=120.01, lat=32.01, grid_path=("T01", "V01")))
        uow.cases.add(make_case("not mine", lon=120.05, lat=32.05, grid_path=("T01", "V02")))
    window = {"since": T0.isoformat(), "until": (T0 + timedelta(hours=1)).isoformat()}
    staff = login(app_client, "staff")  # grid staff of V01
    heat = app_client.get("/api/stats/heatmap", headers=staff, params={**window, "bbox": BBOX}).json()
    counts = app_client.get("/api/stats/grid-counts", headers=staff, params=window).json()
    assert heat["total"] == 1 and counts["total"] == 1 and {g["code"] for g in counts["grids"]} == {"T01", "V01"}
    everyone = app_client.get("/api/stats/grid-counts", headers=login(app_client, "operator"), params=window).json()
    assert everyone["total"] == 2
