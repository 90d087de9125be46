"""GET /api/map/cases and /api/search: points under the threshold, store clusters over it, filters, reach, CRS."""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient
from shapely.geometry import box

from cases.map_view import cell_deg_for_zoom
from cases.models import CaseStatus, Platform
from gis.crs import Crs, from_wgs84
from gis.models import Grid
from storage import Store
from tests.api.conftest import login
from tests.factories import make_case

BBOX = "120.0,32.0,120.1,32.08"
N = 300


def _seed(store: Store) -> None:
    rng = np.random.default_rng(11)
    platforms = [Platform.GOVERNANCE, Platform.MARKET, None]
    with store.unit_of_work() as uow:
        for i, (x, y) in enumerate(zip(rng.uniform(120.0, 120.1, N), rng.uniform(32.0, 32.08, N), strict=True)):
            uow.cases.add(make_case(f"case {i}", lon=float(x), lat=float(y), platform=platforms[i % 3],
                                    status=CaseStatus.CLOSED if i % 10 == 0 else CaseStatus.REPORTED,
                                    category="litter" if i % 2 else "noise",
                                    grid_path=("T01", "V01") if i % 4 == 0 else ("T01", "V02")))
        uow.cases.add(make_case("far away", lon=121.5, lat=33.0))
        uow.grids.upsert_many([Grid(code="T01", name="青山镇", level=1, parent_code=None, geometry=box(120, 32, 120.1, 32.08)),
                               Grid(code="V01", name="Riverside 河畔村", level=2, parent_code="T01",
                                    geometry=box(120, 32, 120.05, 32.04))])


def _open(i: int) -> bool:
    return i % 10 != 0


def test_few_cases_come_as_points_and_many_as_clusters_summing_to_the_total(store: Store, app_client: TestClient) -> None:
    _seed(store)
    headers = login(app_client, "operator")
    points = app_client.get("/api/map/cases", headers=headers, params={"bbox": BBOX, "zoom": 13})
    assert points.status_code == 200, points.text
    body = points.json()
    assert body["mode"] == "points" and body["total"] == len(body["points"]) == sum(_open(i) for i in range(N))
    assert set(body["points"][0]) == {"id", "lon", "lat", "status", "platform", "priority", "category", "title"}
    clustered = app_client.get("/api/map/cases", headers=headers,
                               params={"bbox": BBOX, "zoom": 13, "max_points": 100}).json()
    assert clustered["mode"] == "clusters" and clustered["total"] == body["total"]
    assert clustered["cell_deg"] == cell_deg_for_zoom(13)
    assert sum(c["count"] for c in clustered["clusters"]) == clustered["total"]
    assert sum(sum(c["by_platform"].values()) for c in clustered["clusters"]) == clustered["total"]
    assert {"governance", "market", "unrouted"} == {k for c in clustered["clusters"] for k in c["by_platform"]}
    for c in clustered["clusters"]:
        assert c["bbox"][0] <= c["lon"] <= c["bbox"][2] and c["bbox"][1] <= c["lat"] <= c["bbox"][3]
    finer = app_client.get("/api/map/cases", headers=headers, params={"bbox": BBOX, "zoom": 15, "max_points": 100})
    assert len(finer.json()["clusters"]) > len(clustered["clusters"]), "a closer zoom cuts smaller cells"


def test_filters_choose_the_cases_counted(store: Store, app_client: TestClient) -> None:
    _seed(store)
    headers = login(app_client, "operator")

    def total(**params: object) -> int:
        answer = app_client.get("/api/map/cases", headers=headers, params={"bbox": BBOX, "zoom": 12, **params})
        assert answer.status_code == 200, answer.text
        return answer.json()["total"]

    assert total(open="false") == N
    assert total(status="closed") == 0 and total(status="closed", open="false") == N // 10
    assert total(platform="market") == sum(_open(i) and i % 3 == 1 for i in range(N))
    assert total(category="litter") == sum(_open(i) and i % 2 == 1 for i in range(N))
    assert total(bbox="121.4,32.9,121.6,33.1") == 1


def test_the_map_shows_only_the_callers_reach(store: Store, app_client: TestClient) -> None:
    _seed(store)
    member = app_client.get("/api/map/cases", headers=login(app_client, "member"), params={"bbox": BBOX, "zoom": 13})
    assert {p["platform"] for p in member.json()["points"]} == {"market"}
    assert member.json()["total"] == sum(_open(i) and i % 3 == 1 for i in range(N))
    other = app_client.get("/api/map/cases", headers=login(app_client, "member"),
                           params={"bbox": BBOX, "zoom": 13, "platform": "governance"})
    assert other.json()["total"] == 0, "a member asking for another platform sees nothing"
    staff = app_client.get("/api/map/cases", headers=login(app_client, "staff"),
                           params={"bbox": BBOX, "zoom": 13, "max_points": 10}).json()
    assert staff["total"] == sum(_open(i) and i % 4 == 0 for i in range(N)), "grid staff: their grids only"
    assert sum(c["count"] for c in staff["clusters"]) == staff["total"]


def test_bad_bbox_or_zoom_is_a_clear_422(store: Store, app_client: TestClient) -> None:
    headers = login(app_client, "operator")
    cases = {
        "no bbox": ({"zoom": 12}, "bbox"),
        "short bbox": ({"bbox": "1,2,3", "zoom": 12}, "bbox"),
        "min above max": ({"bbox": "120.1,32,120,32.1", "zoom": 12}, "bbox"),
        "no zoom": ({"bbox": BBOX}, "zoom"),
        "zoom too far": ({"bbox": BBOX, "zoom": 40}, "zoom"),
        "zoom not a number": ({"bbox": BBOX, "zoom": "near"}, "zoom"),
    }
    for name, (params, says) in cases.items():
        answer = app_client.get("/api/map/cases", headers=headers, params=params)
        assert answer.status_code == 422 and says in answer.text, (name, answer.text)
    assert app_client.get("/api/map/cases", params={"bbox": BBOX, "zoom": 12}).status_code == 401


def test_search_finds_case_numbers_grids_text_and_coordinates(store: Store, app_client: TestClient) -> None:
    _seed(store)
    headers = login(app_client, "operator")

    def search(q: str) -> list[dict]:
        answer = app_client.get("/api/search", headers=headers, params={"q": q})
        assert answer.status_code == 200, answer.text
        assert answer.json()["query"] == q
        return answer.json()["results"]

    first = search("#5")[0]
    assert (first["kind"], first["id"]) == ("case", 5) and first["label"].startswith("#5 ")
    assert search("5")[0]["id"] == 5
    assert search("#9999999999") == [], "a number past any id is no case (and no error)"
    grids = search("riverside")
    assert [(r["kind"], r["code"]) for r in grids] == [("grid", "V01")]
    assert grids[0]["bbox"] == [120.0, 32.0, 120.05, 32.04]
    assert [r["code"] for r in search("青山")] == ["T01"]
    assert [r["code"] for r in search("t0")] == ["T01"]
    text = search("far AWAY")
    assert [(r["kind"], r["label"]) for r in text] == [("case", f"#{N + 1} far away")]
    point = search("120.05,32.04")
    assert point[0]["kind"] == "point" and (point[0]["lon"], point[0]["lat"]) == (120.05, 32.04)


def test_search_reads_coordinates_in_other_systems(store: Store, app_client: TestClient) -> None:
    headers = login(app_client, "operator")
    gcj = from_wgs84(120.05, 32.04, Crs.GCJ02)
    for q in (f"{gcj[0]:.7f},{gcj[1]:.7f} gcj02", f"{gcj[0]:.7f} {gcj[1]:.7f},GCJ02"):
        hit = app_client.get("/api/search", headers=headers, params={"q": q}).json()["results"][0]
        assert hit["kind"] == "point"
        assert abs(hit["lon"] - 120.05) < 1e-5 and abs(hit["lat"] - 32.04) < 1e-5, (q, hit)
    cgcs = app_client.get("/api/search", headers=headers, params={"q": "120.05,32.04 EPSG:4490"}).json()
    assert cgcs["results"][0]["lon"] == 120.05
    bad = app_client.get("/api/search", headers=headers, params={"q": "120.05,32.04 EPSG:9999"})
    assert bad.status_code == 422 and "crs" in bad.text


def test_search_respects_reach_and_refuses_an_empty_query(store: Store, app_client: TestClient) -> None:
    _seed(store)
    member = login(app_client, "member")
    gov_case = app_client.get("/api/search", headers=member, params={"q": "#1"}).json()["results"]
    assert not [r for r in gov_case if r["kind"] == "case"], "case 1 is governance's: a member does not find it"
    texts = app_client.get("/api/search", headers=member, params={"q": "case 1", "limit": 50}).json()["results"]
    assert texts and all((r["id"] - 1) % 3 == 1 for r in texts)
    for q in ("", "   "):
        empty = app_client.get("/api/search", headers=member, params={"q": q})
        assert empty.status_code == 422 and "'q' is empty" in empty.text
