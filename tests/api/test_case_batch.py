"""POST /api/cases/batch: each report checked on its own, good ones stored as the single route does; both stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.routes.case_batch import MAX_BATCH
from cases.feed import CASE_OPENED
from storage import Store
from tests.api.conftest import login
from tests.api.test_case_intake import CLEAR, town_client
from tests.factories import LAT, LON

GIVEN = {"title": "邻里纠纷", "description": "楼上楼下噪音纠纷", "lon": LON - 0.005, "lat": LAT, "category": "dispute",
         "source": "hotline", "reporter": "王女士", "reporter_phone": "13800000000"}


@pytest.fixture
def client(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    """Yield a client of the app on a store with a town T01 and its village V01."""
    yield from town_client(store, tmp_path)


def test_good_reports_are_stored_and_bad_ones_refused_by_index_never_costing_a_neighbour(client: TestClient,
                                                                                          store: Store) -> None:
    reports = [
        {**CLEAR, "source": "hotline"},             # 0: classified
        {**GIVEN, "lon": "east"},                   # 1: invalid body
        GIVEN,                                      # 2: category given
        {**GIVEN, "category": "no-such-category"},  # 3: refused inside the unit of work
        {**GIVEN, "crs": "epsg:9999"},              # 4: unknown CRS
        {**GIVEN, "crs": "gcj02"},                  # 5: another CRS, located all the same
    ]
    answer = client.post("/api/cases/batch", json={"reports": reports}, headers=login(client, "operator"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [s["index"] for s in body["stored"]] == [0, 2, 5]
    assert [(r["index"], r["status"]) for r in body["refused"]] == [(1, 422), (3, 422), (4, 422)]
    assert "reports[1].lon" in body["refused"][0]["detail"]
    assert "no-such-category" in body["refused"][1]["detail"]
    first, given, _ = body["stored"]
    assert (first["category"], first["triage"], first["grid_path"]) == ("garbage", False, ["T01", "V01"])
    assert given["category"] == "dispute" and given["platform"] == "governance"
    with store.read_only() as uow:
        ids = [s["id"] for s in body["stored"]]
        cases = [uow.cases.get(i) for i in ids]
        assert all(c is not None and c.due_at is not None for c in cases)  # the case clock stamped them
        assert [r.name for r in uow.reporters.for_case(given["id"])] == ["王女士"]
        opened = [e.payload["case"]["id"] for e in uow.feed.since(0) if e.kind == CASE_OPENED]
    assert opened == ids
    audit = client.get("/api/audit?limit=100", headers=login(client, "admin")).json()["items"]
    assert [e["outcome"] for e in audit if e["action"] == "POST /api/cases/batch"] == ["ok"]


def test_the_batch_answers_the_same_case_as_the_single_route(client: TestClient) -> None:
    headers = login(client, "operator")
    single = client.post("/api/cases", json=GIVEN, headers=headers).json()
    batch = client.post("/api/cases/batch", json={"reports": [GIVEN]}, headers=headers).json()["stored"][0]
    got = client.get(f"/api/cases/{batch['id']}", headers=headers).json()
    for field in ("category", "platform", "status", "grid_path", "priority", "department", "due_step", "source",
                  "reporter"):
        assert got[field] == single[field], field
    assert single["id"] in batch["possible_duplicates"]


@pytest.mark.parametrize("reports", [[], [GIVEN] * (MAX_BATCH + 1)], ids=["empty", "too-many"])
def test_an_empty_or_oversized_batch_is_refused_whole(client: TestClient, reports: list) -> None:
    answer = client.post("/api/cases/batch", json={"reports": reports}, headers=login(client, "operator"))
    assert answer.status_code == 422 and "reports" in answer.text


def test_roles_that_may_not_report_are_refused_and_sources_are_checked_per_report(client: TestClient) -> None:
    viewer = login(client, "viewer")
    assert client.post("/api/cases/batch", json={"reports": [GIVEN]}, headers=viewer).status_code == 403
    assert client.post("/api/cases/batch", json={"reports": [GIVEN]}).status_code == 401
    # Grid staff may report only as grid staff: the hotline report is refused, their own is stored.
    mine = {**GIVEN, "source": "grid_staff"}
    body = client.post("/api/cases/batch", json={"reports": [GIVEN, mine]}, headers=login(client, "staff")).json()
    assert [(r["index"], r["status"]) for r in body["refused"]] == [(0, 403)]
    assert [s["index"] for s in body["stored"]] == [1]


def test_batches_are_rate_limited_per_account(client: TestClient) -> None:
    headers = login(client, "operator")
    codes = [client.post("/api/cases/batch", json={"reports": [GIVEN]}, headers=headers).status_code
             for _ in range(11)]
    assert codes == [200] * 10 + [429]


def test_a_sub_category_stored_through_the_api_is_reportable_at_once_on_both_routes(client: TestClient) -> None:
    # Intake reads the taxonomy from the case clock's cache (one source): storing one must invalidate it.
    admin, operator = login(client, "admin"), login(client, "operator")
    assert client.post("/api/cases", json=GIVEN, headers=operator).status_code == 201  # the cache is filled
    doc = client.get("/api/taxonomy", headers=admin).json()["taxonomy"]
    doc["categories"][0]["sub"].append({"code": "bus_shelter", "zh": "公交候车亭", "en": "Bus shelter",
                                        "platform": "service", "priority": "low"})
    assert client.put("/api/taxonomy", json={"taxonomy": doc}, headers=admin).status_code == 200
    shelter = {**GIVEN, "category": "bus_shelter"}
    single = client.post("/api/cases", json=shelter, headers=operator)
    assert single.status_code == 201 and single.json()["platform"] == "service", single.text
    batch = client.post("/api/cases/batch", json={"reports": [shelter]}, headers=operator).json()
    assert batch["refused"] == [] and batch["stored"][0]["platform"] == "service"
