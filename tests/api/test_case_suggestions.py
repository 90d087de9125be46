"""Suggested teams for a case on both stores: dispatch's ranking, busy teams after, reach, and clear refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from cases.locator import Locator
from cases.models import Platform, TeamStatus
from gis.models import GridLevel
from storage import Store
from tests.api.conftest import POLICY, ManualClock, add_accounts, login
from tests.factories import LAT, LON, make_case, make_grid, make_team

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def http(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    """Yield a client of the app on the store, one account per role, a clock at NOW."""
    add_accounts(store)
    app = create_app(store=store, locator=Locator(), token_policy=POLICY, data_dir=tmp_path,
                     rate_clock=ManualClock(), clock=lambda: NOW)
    with TestClient(app) as client:
        yield client


def _market_case(store: Store, **overrides: object) -> int:
    """Add a market case with three market teams (near, far, busy nearest) and one governance team; return its id."""
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("T01", size=0.02, level=GridLevel.TOWN)])
        uow.teams.upsert_many([
            make_team("T-MKT-FAR", platform=Platform.MARKET, lon=LON + 0.004),
            make_team("T-MKT-01", platform=Platform.MARKET, lon=LON + 0.001),
            make_team("T-MKT-BUSY", platform=Platform.MARKET, lon=LON + 0.0002, status=TeamStatus.BUSY),
            make_team("T-GOV-01", platform=Platform.GOVERNANCE, lon=LON + 0.0001)])
        fields = dict(platform=Platform.MARKET, category="food_safety", grid_path=("T01",), lon=LON, lat=LAT)
        return uow.cases.add(make_case(**{**fields, **overrides})).id  # type: ignore[return-value]


def test_suggestions_rank_available_teams_by_eta_then_busy_ones(store: Store, http: TestClient) -> None:
    case_id = _market_case(store)
    answer = http.get(f"/api/cases/{case_id}/suggestions", headers=login(http, "operator"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["platform"] == "market"
    assert [t["team_id"] for t in body["teams"]] == ["T-MKT-01", "T-MKT-FAR", "T-MKT-BUSY"]
    near, far, busy = body["teams"]
    assert near["distance_m"] == pytest.approx(94, abs=2) and near["status"] == "available"
    assert 0 < near["eta_s"] < far["eta_s"], "the nearer available team arrives sooner"
    assert busy["status"] == "busy" and busy["eta_s"] is None and busy["name"] == "Team T-MKT-BUSY"


def test_suggestions_follow_dispatch_leaving_out_the_team_on_the_case(store: Store, http: TestClient) -> None:
    case_id = _market_case(store)
    operator = login(http, "operator")
    first = http.get(f"/api/cases/{case_id}/suggestions", headers=operator).json()["teams"][0]["team_id"]
    assert http.post(f"/api/cases/{case_id}/actions/accept", json={}, headers=operator).status_code == 200
    dispatched = http.post(f"/api/cases/{case_id}/actions/dispatch", json={}, headers=operator).json()
    assert dispatched["assignment"]["team_id"] == first, "the first suggestion is the team dispatch offers"
    after = http.get(f"/api/cases/{case_id}/suggestions", headers=operator).json()["teams"]
    assert first not in [t["team_id"] for t in after]


def test_suggestions_of_another_platform_and_a_limit(store: Store, http: TestClient) -> None:
    case_id = _market_case(store)
    answer = http.get(f"/api/cases/{case_id}/suggestions?platform=governance&limit=1",
                      headers=login(http, "operator")).json()
    assert answer["platform"] == "governance" and [t["team_id"] for t in answer["teams"]] == ["T-GOV-01"]


def test_an_unrouted_case_needs_a_platform_named(store: Store, http: TestClient) -> None:
    case_id = _market_case(store, platform=None)
    answer = http.get(f"/api/cases/{case_id}/suggestions", headers=login(http, "operator"))
    assert answer.status_code == 422
    assert "not routed" in answer.text and "platform" in answer.text


def test_suggestions_refuse_bad_queries_and_cases_out_of_reach(store: Store, http: TestClient) -> None:
    case_id = _market_case(store)
    operator = login(http, "operator")
    missing = http.get("/api/cases/999999/suggestions", headers=operator)
    assert missing.status_code == 404 and "case 999999" in missing.text
    bad = http.get(f"/api/cases/{case_id}/suggestions?platform=police", headers=operator)
    assert bad.status_code == 422 and "platform" in bad.text
    assert http.get(f"/api/cases/{case_id}/suggestions?limit=0", headers=operator).status_code == 422
    # A grid staff member of V01 does not reach a case filed under T01 alone: 404, ids reveal nothing.
    assert http.get(f"/api/cases/{case_id}/suggestions", headers=login(http, "staff")).status_code == 404
    assert http.get(f"/api/cases/{case_id}/suggestions").status_code == 401


def test_the_front_end_tests_lifecycle_fixture_is_the_servers_answer(store: Store, http: TestClient) -> None:
    fixture = Path(__file__).resolve().parent.parent / "frontend" / "lifecycle.fixture.json"
    served = http.get("/api/lifecycle", headers=login(http, "viewer")).json()
    assert json.loads(fixture.read_text(encoding="utf-8")) == served, \
        f"{fixture} is stale: regenerate it from GET /api/lifecycle"
