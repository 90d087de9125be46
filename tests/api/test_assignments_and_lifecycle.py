"""The lifecycle the page reads from the API, and assignments as the operator and a team member see them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from cases.lifecycle import STEPS
from cases.models import Platform
from gis.models import GridLevel
from storage import Store
from tests.api.conftest import login
from tests.factories import make_case, make_grid, make_team


def test_lifecycle_describes_every_step_as_the_server_enforces_it(app_client: TestClient) -> None:
    body = app_client.get("/api/lifecycle", headers=login(app_client, "viewer")).json()
    assert [s["code"] for s in body["statuses"]] == [
        "reported", "accepted", "routed", "dispatched", "handling", "fed_back", "verified", "closed", "evaluated",
        "returned", "rejected", "escalated", "merged"]
    assert {s["code"]: s["label"] for s in body["statuses"]}["accepted"] == "Registered 受理"
    steps = {a["action"]: a for a in body["actions"]}
    assert {a: set(s["allowed_from"]) for a, s in steps.items()} == {
        a.value: {s.value for s in step.allowed_from} for a, step in STEPS.items()}
    assert (steps["verify"]["leads_to"], steps["verify"]["on_fail"]) == ("verified", "returned")
    assert steps["evaluate"]["leads_to"] == "evaluated" and steps["route"]["main_line"] is False
    assert (steps["merge"]["requires"], steps["reject"]["requires"], steps["route"]["requires"]) == (
        ["target_case_id"], ["note"], ["platform"])
    assert {a for a, s in steps.items() if s["releases_teams"]} == {
        "verify", "close", "reject", "escalate", "merge", "withdraw"}
    assert set(steps["reopen"]["roles"]) == {"admin", "operator"}
    assert set(steps["dispatch"]["roles"]) == {"admin", "operator"}
    assert set(steps["start"]["roles"]) == {"admin", "operator", "platform_member"}
    assert steps["start"]["assigned_team_only"] == ["platform_member"] and steps["close"]["assigned_team_only"] == []
    assert app_client.get("/api/lifecycle").status_code == 401


def _market_case(store: Store) -> int:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("T01", size=0.02, level=GridLevel.TOWN)])
        uow.teams.upsert_many([make_team("T-MKT-01", platform=Platform.MARKET),
                               make_team("T-MKT-02", platform=Platform.MARKET, lon=121.0)])
        return uow.cases.add(make_case(platform=Platform.MARKET, category="food_safety", grid_path=("T01",))).id  # type: ignore[return-value]


def test_a_member_works_the_case_only_while_their_teams_assignment_holds(store: Store, app_client: TestClient) -> None:
    case_id = _market_case(store)
    operator, member, staff = (login(app_client, who) for who in ("operator", "member", "staff"))
    assert app_client.post(f"/api/cases/{case_id}/actions/accept", json={}, headers=operator).status_code == 200
    dispatched = app_client.post(f"/api/cases/{case_id}/actions/dispatch", json={}, headers=operator).json()
    assert dispatched["team"]["id"] == "T-MKT-01" and dispatched["assignment"]["team_id"] == "T-MKT-01"

    active = app_client.get("/api/assignments", headers=member).json()
    assert [(a["case_id"], a["team_id"], a["role"]) for a in active["items"]] == [(case_id, "T-MKT-01", "lead")]
    assert active["total"] == 1
    assert app_client.get("/api/assignments", headers=staff).json() == {"items": [], "total": 0, "limit": 100,
                                                                         "offset": 0}
    detail = app_client.get(f"/api/cases/{case_id}", headers=member).json()
    assert detail["next_actions"] == ["start"] and detail["team"]["id"] == "T-MKT-01"

    for action in ("start", "feedback"):
        assert app_client.post(f"/api/cases/{case_id}/actions/{action}", json={}, headers=member).status_code == 200
    # Verification fails: the case returns to the team, which still holds it, and its member starts again.
    assert app_client.post(f"/api/cases/{case_id}/actions/verify", json={"passed": False},
                           headers=operator).json()["status"] == "returned"
    assert app_client.get(f"/api/cases/{case_id}", headers=member).json()["next_actions"] == ["start"]
    for action in ("start", "feedback"):
        assert app_client.post(f"/api/cases/{case_id}/actions/{action}", json={}, headers=member).status_code == 200
    assert app_client.post(f"/api/cases/{case_id}/actions/verify", json={}, headers=operator).status_code == 200
    assert app_client.get("/api/assignments", headers=operator).json()["items"] == []
    every = app_client.get("/api/assignments", params={"case_id": case_id}, headers=operator).json()["items"]
    assert [(a["team_id"], a["release_reason"]) for a in every] == [("T-MKT-01", "verified")]

    # Verified, the team is released: its member may no longer act on the case.
    refused = app_client.post(f"/api/cases/{case_id}/actions/feedback", json={}, headers=member)
    assert refused.status_code == 403 and "team dispatched" in refused.json()["detail"]
    assert app_client.get(f"/api/cases/{case_id}", headers=member).json()["next_actions"] == []
    assert app_client.get("/api/assignments", params={"case_id": 999}, headers=operator).status_code == 404
