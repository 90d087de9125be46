"""HTTP input errors: 4xx with a message naming the field; nothing is written by a refused request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from storage import Store
from tests.api.conftest import login
from tests.factories import make_grid, make_team


@pytest.fixture
def client(store: Store, app_client: TestClient) -> Iterator[TestClient]:
    """Yield the app's client logged in as an operator."""
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid()])
        uow.teams.upsert_many([make_team()])
    app_client.headers.update(login(app_client, "operator"))
    yield app_client


def _report(**overrides: object) -> dict[str, object]:
    return {"title": "占道经营", "category": "unlicensed_trading", "lon": 120.0, "lat": 32.3, **overrides}


def test_a_reported_case_is_routed_by_category_and_located(client: TestClient) -> None:
    answer = client.post("/api/cases", json=_report())
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["platform"] == "market" and body["status"] == "reported"
    assert [e["action"] for e in body["events"]] == ["report"]


@pytest.mark.parametrize(("overrides", "status", "fragment"), [
    ({"category": "ufo_sighting"}, 422, "category 'ufo_sighting'"),
    ({"lon": 200}, 422, "lon 200.0 is outside"),
    ({"crs": "epsg:3857"}, 422, "unknown coordinate system 'epsg:3857'"),
    ({"lon": "east"}, 422, '"lon"'),
    ({"title": ""}, 422, '"title"'),
    ({"status": "closed"}, 422, '"status"'),
    ({"actor": "someone else"}, 422, '"actor"'),
    ({"id": 99}, 422, '"id"'),
    ({"reporter_phone": "call me"}, 422, '"reporter_phone"'),
])
def test_bad_case_reports_are_refused_naming_the_field(client: TestClient, store: Store, overrides: dict,
                                                       status: int, fragment: str) -> None:
    answer = client.post("/api/cases", json=_report(**overrides))
    assert answer.status_code == status
    assert fragment in answer.text
    with store.unit_of_work() as uow:
        assert uow.cases.count() == 0


@pytest.mark.parametrize(("url", "status", "fragment"), [
    ("/api/cases?bbox=1,2,3", 422, "query parameter 'bbox'"),
    ("/api/cases?bbox=120,32,119,33", 422, "needs min < max"),
    ("/api/cases?bbox=0,0,10,10", 422, "larger than"),
    ("/api/cases?limit=5000", 422, '"limit"'),
    ("/api/cases?offset=-1", 422, '"offset"'),
    ("/api/cases?status=lost", 422, '"status"'),
    ("/api/cases/999", 404, "case 999: no such case"),
    ("/api/grids/nope", 404, "grid 'nope'"),
    ("/api/teams/nope", 404, "team 'nope'"),
    ("/api/grids/locate?lon=120&lat=95", 422, "lat 95.0 is outside"),
])
def test_bad_queries_answer_4xx_naming_the_parameter(client: TestClient, url: str, status: int, fragment: str) -> None:
    answer = client.get(url)
    assert answer.status_code == status
    assert fragment in answer.text


def test_steps_refuse_unknown_actions_and_illegal_order(client: TestClient) -> None:
    case_id = client.post("/api/cases", json=_report()).json()["id"]
    unknown = client.post(f"/api/cases/{case_id}/actions/teleport", json={})
    assert unknown.status_code == 404 and "teleport" in unknown.json()["detail"]
    early = client.post(f"/api/cases/{case_id}/actions/dispatch", json={})
    assert early.status_code == 409
    assert early.json()["detail"] == f"case {case_id} is 'reported'; 'dispatch' needs 'accepted' or 'routed'"
    posing = client.post(f"/api/cases/{case_id}/actions/accept", json={"actor": "someone else"})
    assert posing.status_code == 422 and '"actor"' in posing.text


def test_dispatch_with_no_team_of_the_platform_is_refused_and_the_case_stays(client: TestClient) -> None:
    case_id = client.post("/api/cases", json=_report()).json()["id"]
    assert client.post(f"/api/cases/{case_id}/actions/accept", json={}).status_code == 200
    refused = client.post(f"/api/cases/{case_id}/actions/dispatch", json={})
    assert refused.status_code == 409 and "no available team of platform 'market'" in refused.json()["detail"]
    assert client.get(f"/api/cases/{case_id}").json()["status"] == "accepted"


def test_lists_page_and_count(client: TestClient) -> None:
    for i in range(3):
        client.post("/api/cases", json=_report(title=f"case {i}"))
    first = client.get("/api/cases?limit=2").json()
    second = client.get("/api/cases?limit=2&offset=2").json()
    assert first["total"] == 3 and len(first["items"]) == 2 and len(second["items"]) == 1
    geo = client.get("/api/cases?format=geojson&limit=2").json()
    assert geo["type"] == "FeatureCollection" and geo["numberMatched"] == 3 and geo["numberReturned"] == 2
    assert geo["features"][0]["geometry"]["type"] == "Point"
