"""Offers through the API on both stores: the team (or the command room) accepts or declines; lapses by the job."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from cases.locator import Locator
from cases.models import Platform
from gis.models import GridLevel
from gridwatch.dispatch_offers import expire_offers
from storage import Store
from tests.api.conftest import POLICY, ManualClock, add_accounts, login
from tests.factories import LAT, LON, make_case, make_grid, make_team

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def client(store: Store, tmp_path: Path) -> Iterator[tuple[TestClient, Locator]]:
    """Yield a client whose clock stands at NOW, and the locator it dispatches with."""
    add_accounts(store)
    locator = Locator()
    app = create_app(store=store, locator=locator, token_policy=POLICY, data_dir=tmp_path, rate_clock=ManualClock(),
                     clock=lambda: NOW)
    with TestClient(app) as test_client:
        yield test_client, locator


def _dispatched(store: Store, client: TestClient) -> tuple[int, dict]:
    """Add a market case and two market teams (the member's nearer), accept and dispatch it; return the answer."""
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("T01", size=0.02, level=GridLevel.TOWN)])
        uow.teams.upsert_many([make_team("T-MKT-01", platform=Platform.MARKET, lon=LON + 0.001),
                               make_team("T-MKT-02", platform=Platform.MARKET, lon=LON + 0.003)])
        case_id = uow.cases.add(make_case(platform=Platform.MARKET, category="food_safety", grid_path=("T01",),
                                          lon=LON, lat=LAT)).id
    operator = login(client, "operator")
    assert client.post(f"/api/cases/{case_id}/actions/accept", json={}, headers=operator).status_code == 200
    answer = client.post(f"/api/cases/{case_id}/actions/dispatch", json={}, headers=operator)
    assert answer.status_code == 200, answer.text
    return case_id, answer.json()  # type: ignore[return-value]


def test_dispatch_answers_the_offer_with_distance_and_eta(store: Store, client: tuple[TestClient, Locator]) -> None:
    http, _ = client
    case_id, dispatched = _dispatched(store, http)
    offer = dispatched["assignment"]
    assert (offer["team_id"], offer["state"]) == ("T-MKT-01", "offered")
    assert offer["distance_m"] == pytest.approx(94, abs=2) and dispatched["distance_m"] == offer["distance_m"]
    assert dispatched["eta_s"] == offer["eta_s"] and offer["eta_s"] > 0
    assert datetime.fromisoformat(offer["offer_expires_at"]) == NOW + timedelta(seconds=180)
    detail = http.get(f"/api/cases/{case_id}", headers=login(http, "member")).json()
    assert detail["assignments"][0]["eta_s"] == offer["eta_s"]


def test_the_member_declines_the_next_team_is_offered_and_only_it_or_the_command_room_answers(
        store: Store, client: tuple[TestClient, Locator]) -> None:
    http, _ = client
    case_id, dispatched = _dispatched(store, http)
    member, viewer, operator = (login(http, who) for who in ("member", "viewer", "operator"))
    first = dispatched["assignment"]["id"]
    url = f"/api/cases/{case_id}/assignments/{first}"
    assert http.post(f"{url}/decline", json={}, headers=viewer).status_code == 403
    declined = http.post(f"{url}/decline", json={"note": "two of us are ill"}, headers=member)
    assert declined.status_code == 200, declined.text
    body = declined.json()
    assert body["assignment"]["release_reason"] == "declined" and body["offered"]["team_id"] == "T-MKT-02"
    assert body["team"]["id"] == "T-MKT-02" and body["withdrawn"] is False and body["status"] == "dispatched"
    assert body["event"]["action"] == "offer_declined" and body["event"]["note"] == "two of us are ill"
    assert http.post(f"{url}/accept", json={}, headers=member).status_code == 409  # that offer is over
    second = body["offered"]["id"]
    # The member is not of T-MKT-02; the command room may answer for a team that phoned in.
    assert http.post(f"/api/cases/{case_id}/assignments/{second}/accept", json={}, headers=member).status_code == 403
    accepted = http.post(f"/api/cases/{case_id}/assignments/{second}/accept", json={}, headers=operator)
    assert accepted.status_code == 200 and accepted.json()["assignment"]["state"] == "accepted"
    assert accepted.headers["ETag"] == f'"{accepted.json()["version"]}"'


def test_bad_paths_and_bodies_are_refused_by_name(store: Store, client: tuple[TestClient, Locator]) -> None:
    http, _ = client
    case_id, dispatched = _dispatched(store, http)
    operator = login(http, "operator")
    offer = dispatched["assignment"]["id"]
    maybe = http.post(f"/api/cases/{case_id}/assignments/{offer}/maybe", json={}, headers=operator)
    assert maybe.status_code == 404 and "accept or decline" in maybe.json()["detail"]
    missing = http.post(f"/api/cases/{case_id}/assignments/{offer + 99}/accept", json={}, headers=operator)
    assert missing.status_code == 404 and f"no assignment {offer + 99}" in missing.json()["detail"]
    extra = http.post(f"/api/cases/{case_id}/assignments/{offer}/accept", json={"why": 1}, headers=operator)
    assert extra.status_code == 422
    assert http.post(f"/api/cases/{case_id}/assignments/{offer}/accept", json={}).status_code == 401


def test_the_last_decline_takes_the_case_back_to_routed(store: Store, client: tuple[TestClient, Locator]) -> None:
    http, _ = client
    case_id, dispatched = _dispatched(store, http)
    operator = login(http, "operator")
    offer = dispatched["assignment"]["id"]
    body = http.post(f"/api/cases/{case_id}/assignments/{offer}/decline", json={}, headers=operator).json()
    body = http.post(f"/api/cases/{case_id}/assignments/{body['offered']['id']}/decline", json={},
                     headers=operator).json()
    assert body["withdrawn"] is True and body["offered"] is None and body["status"] == "routed"
    assert "dispatch" in body["next_actions"]
    events = http.get(f"/api/cases/{case_id}", headers=operator).json()["events"]
    assert [e["action"] for e in events[-2:]] == ["offer_declined", "withdraw"]


def test_an_unanswered_offer_lapses_by_the_job_and_the_next_team_is_offered(
        store: Store, client: tuple[TestClient, Locator]) -> None:
    http, locator = client
    case_id, dispatched = _dispatched(store, http)
    said = expire_offers(store, locator, now=NOW + timedelta(seconds=180))
    assert said.startswith("1 offers lapsed: 1 offered")
    assignments = http.get(f"/api/cases/{case_id}", headers=login(http, "operator")).json()["assignments"]
    assert [(a["team_id"], a["release_reason"], a["state"]) for a in assignments] == [
        ("T-MKT-01", "timed_out", "offered"), ("T-MKT-02", None, "offered")]
    # The member's team is free again and may be sent elsewhere; its old offer cannot be accepted any more.
    late = http.post(f"/api/cases/{case_id}/assignments/{dispatched['assignment']['id']}/accept", json={},
                     headers=login(http, "member"))
    assert late.status_code == 409 and "ended (timed_out)" in late.json()["detail"]
