"""The city's signed messages: statuses of escalated cases and hand-downs (交办), each acted on once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from cases.handoff.signing import signed_headers
from gis.models import GridLevel
from storage import Store
from tests.api.conftest import POLICY, ManualClock, add_accounts, login
from tests.api.test_city_outbox import SECRET, Clock, escalate
from tests.factories import T0, make_grid

INBOUND = "/api/city/inbound"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(store: Store, tmp_path: Path, clock: Clock) -> Iterator[TestClient]:
    add_accounts(store)
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("T01", size=0.02, level=GridLevel.TOWN)])
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=ManualClock(), clock=clock)
    app.state.city_secret = SECRET
    app.state.city_signature_window = timedelta(minutes=5)
    with TestClient(app) as test_client:
        yield test_client


def send(client: TestClient, message: dict[str, Any], *, secret: str = SECRET, signed_at: Any = T0,
         tamper: bytes = b"", headers: dict[str, str] | None = None) -> Any:
    """POST the message as the city would: compact JSON, signed at signed_at (optionally changed after signing)."""
    body = json.dumps(message, ensure_ascii=False).encode()
    sent = signed_headers(secret, body, now=signed_at) if headers is None else headers
    return client.post(INBOUND, content=body + tamper, headers={"Content-Type": "application/json", **sent})


def case(client: TestClient, case_id: int) -> dict[str, Any]:
    answer = client.get(f"/api/cases/{case_id}", headers=login(client, "operator"))
    assert answer.status_code == 200, answer.text
    return answer.json()


def status(case_id: int, value: str, message_id: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "status", "message_id": message_id, "case_id": case_id, "status": value, "city_ref": "SZ-88",
            **fields}


def test_the_city_accepts_then_closes_an_escalated_case_and_the_result_is_kept_for_the_reporter(
        client: TestClient) -> None:
    case_id = escalate(client)
    accepted = send(client, status(case_id, "accepted", "m-1"))
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"message_id": "m-1", "kind": "status", "case_id": case_id, "outcome": "accepted",
                               "replay": False}
    closed = send(client, status(case_id, "closed", "m-2", result="管道已由市水务抢修完毕", note="工单 88"))
    assert closed.json()["outcome"] == "closed"
    got = case(client, case_id)
    assert got["status"] == "escalated"
    events = {e["action"]: e for e in got["events"]}
    assert events["city_accepted"]["actor"] == "city" and events["city_accepted"]["data"]["city_ref"] == "SZ-88"
    assert events["city_closed"]["note"] == "管道已由市水务抢修完毕"
    assert events["city_closed"]["data"]["reporter_result"] == "管道已由市水务抢修完毕"


def test_a_replayed_message_answers_as_the_first_time_and_does_nothing_again(client: TestClient) -> None:
    case_id = escalate(client)
    first = send(client, status(case_id, "accepted", "m-1"))
    events = len(case(client, case_id)["events"])
    again = send(client, status(case_id, "accepted", "m-1"))
    assert again.status_code == 200 and again.json() == {**first.json(), "replay": True}
    # Even a different body under the same id is the same message: its first answer stands.
    other = send(client, status(case_id, "returned", "m-1", note="不是我们的"))
    assert other.json() == {**first.json(), "replay": True}
    assert len(case(client, case_id)["events"]) == events and case(client, case_id)["status"] == "escalated"


def test_a_case_the_city_returns_comes_back_into_the_town_loop_and_can_be_escalated_anew(client: TestClient) -> None:
    case_id = escalate(client)
    back = send(client, status(case_id, "returned", "m-3", note="属镇级事权，请镇里处置"))
    assert back.json()["outcome"] == "handed_back"
    got = case(client, case_id)
    last = got["events"][-1]
    assert got["status"] == "accepted" and "dispatch" in got["next_actions"]
    assert (last["action"], last["from_status"], last["to_status"], last["actor"]) == (
        "hand_back", "escalated", "accepted", "city")
    headers = login(client, "operator")
    assert client.post(f"/api/cases/{case_id}/actions/hand_back", headers=headers, json={"note": "x"}).status_code == 403
    again = client.post(f"/api/cases/{case_id}/actions/escalate", headers=headers, json={"note": "确需市级协调"})
    assert again.status_code == 200, again.text
    keys = {m["idempotency_key"] for m in client.get("/api/city/outbox", headers=headers).json()["items"]}
    assert len(keys) == 2  # a second escalation is a second message, not a redelivery of the first


def test_a_status_for_a_case_not_escalated_is_refused_and_not_remembered(client: TestClient) -> None:
    headers = login(client, "operator")
    case_id = client.post("/api/cases", headers=headers, json={
        "title": "路灯损坏", "category": "city_appearance", "lon": 120.0, "lat": 32.3}).json()["id"]
    refused = send(client, status(case_id, "accepted", "m-4"))
    assert refused.status_code == 409 and "concerns only an escalated case" in refused.json()["detail"]
    assert send(client, status(999, "accepted", "m-5")).status_code == 404
    client.post(f"/api/cases/{case_id}/actions/escalate", headers=headers, json={"note": "市级事权"})
    # The refusal rolled back with its record, so the same message, sent again once it applies, is acted on.
    assert send(client, status(case_id, "accepted", "m-4")).json()["replay"] is False


def test_a_handed_down_case_is_opened_located_routed_and_due_when_the_city_says(client: TestClient,
                                                                                store: Store) -> None:
    message = {"kind": "handdown", "message_id": "m-10", "city_ref": "SZ-JB-2024-031", "title": "夜间施工噪音扰民",
               "category": "city_appearance", "description": "12345 市级工单转办", "lon": 120.0, "lat": 32.3,
               "due_at": "2024-05-08T17:30:00+08:00", "attachments": ["https://city.example/files/31.jpg"]}
    answer = send(client, message)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["kind"], body["outcome"], body["replay"]) == ("handdown", "opened", False)
    got = case(client, body["case_id"])
    assert (got["source"], got["status"], got["grid_path"], got["platform"]) == ("city", "reported", ["T01"],
                                                                                "enforcement")
    with store.read_only() as uow:  # the case's clock is not in CaseRead yet
        stored = uow.cases.get(body["case_id"])
    assert stored is not None and (stored.due_at, stored.due_step) == (datetime(2024, 5, 8, 9, 30, tzinfo=UTC),
                                                                      "handle")
    handdown = got["events"][-1]
    assert handdown["action"] == "city_handdown" and handdown["data"]["city_ref"] == "SZ-JB-2024-031"
    assert handdown["attachments"] == ["https://city.example/files/31.jpg"]
    assert send(client, message).json() == {**body, "replay": True}
    cases = client.get("/api/cases", headers=login(client, "operator")).json()
    assert cases["total"] == 1


def test_the_citys_deadline_bounds_every_later_step_of_a_handed_down_case(client: TestClient, store: Store) -> None:
    # An hour after T0: sooner than any of the taxonomy's step limits, so each later step keeps the city's date.
    city_due = T0 + timedelta(hours=1)
    body = send(client, {"kind": "handdown", "message_id": "m-11", "city_ref": "SZ-JB-2024-032", "title": "占道经营",
                         "category": "city_appearance", "lon": 120.0, "lat": 32.3,
                         "due_at": city_due.isoformat()}).json()
    operator = login(client, "operator")
    accepted = client.post(f"/api/cases/{body['case_id']}/actions/accept", headers=operator, json={})
    assert accepted.status_code == 200, accepted.text
    with store.read_only() as uow:
        stored = uow.cases.get(body["case_id"])
    assert stored is not None and stored.external_due_at == city_due
    assert stored.due_step != "handle" and stored.due_at == city_due, "the taxonomy's limit replaced the city's"
    assert case(client, body["case_id"])["external_due_at"] is not None


@pytest.mark.parametrize("change", [
    {"tamper": b" "}, {"secret": "not-the-city"}, {"headers": {}},
    {"signed_at": T0 - timedelta(minutes=5, seconds=1)}, {"signed_at": T0 + timedelta(minutes=6)},
])
def test_an_unsigned_wrongly_signed_or_stale_message_is_refused_401(client: TestClient, change: dict[str, Any]) -> None:
    answer = send(client, status(1, "accepted", "m-20"), **change)
    assert answer.status_code == 401 and "X-Gridwatch-" in answer.json()["detail"]


def test_without_a_shared_secret_nothing_is_accepted(client: TestClient) -> None:
    client.app.state.city_secret = ""  # type: ignore[attr-defined]
    answer = send(client, status(1, "accepted", "m-21"), secret="")
    assert answer.status_code == 401 and "GRIDWATCH_CITY_SECRET" in answer.json()["detail"]


@pytest.mark.parametrize(("message", "field"), [
    (status(1, "closed", "m-30"), "result"),
    (status(1, "returned", "m-31"), "note"),
    ({**status(1, "accepted", "m-32"), "reporter_phone": "1"}, "reporter_phone"),
    ({"kind": "handdown", "message_id": "m-33", "city_ref": "X", "title": "t", "category": "c", "lat": 1.0}, "lon"),
    ({"kind": "handdown", "message_id": "m-34", "city_ref": "X", "title": "t", "category": "c", "lon": 1.0,
      "lat": 1.0, "due_at": "2024-05-08T17:30:00"}, "due_at"),
    ({"kind": "verdict", "message_id": "m-35"}, "kind"),
])
def test_a_signed_body_that_does_not_validate_is_refused_422_naming_the_field(
        client: TestClient, message: dict[str, Any], field: str) -> None:
    answer = send(client, message)
    assert answer.status_code == 422 and field in json.dumps(answer.json()["detail"]), answer.text


def test_a_handdown_of_an_unknown_category_is_refused_and_not_remembered(client: TestClient) -> None:
    message = {"kind": "handdown", "message_id": "m-40", "city_ref": "X", "title": "t", "category": "nonsense",
               "lon": 120.0, "lat": 32.3}
    assert send(client, message).status_code == 422
    assert send(client, {**message, "category": "city_appearance"}).json()["replay"] is False
