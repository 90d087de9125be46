"""Deadlines and supervision through the API: case answers carry the clock, the supervisor's queue, reminders, ack."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from cases.clock import CaseClock
from cases.models import Platform
from cases.supervision import SupervisionPolicy
from cases.supervision_run import supervise_and_announce
from gis.models import GridLevel
from storage import Store
from tests.api.conftest import POLICY, ManualClock, add_accounts, login
from tests.factories import LAT, LON, make_grid, make_team

BJ = ZoneInfo("Asia/Shanghai")
EVE = datetime(2026, 9, 30, 10, tzinfo=BJ)


@pytest.fixture
def timed(store: Store, tmp_path: Path) -> Iterator[tuple[TestClient, list[datetime]]]:
    """Yield a client whose clock the test sets, and the clock (a one-item list)."""
    add_accounts(store)
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("T01", size=0.02, level=GridLevel.TOWN),
                               make_grid("T02", lon=LON + 0.5, size=0.02, level=GridLevel.TOWN)])
        uow.teams.upsert_many([make_team("enf-1", platform=Platform.ENFORCEMENT)])
    now = [EVE]
    app = create_app(store=store, token_policy=POLICY, data_dir=tmp_path, rate_clock=ManualClock(),
                     clock=lambda: now[0], case_clock=CaseClock())
    with TestClient(app) as client:
        yield client, now


def _report(client: TestClient, headers: dict[str, str], category: str, lon: float = LON) -> dict:
    answer = client.post("/api/cases", json={"title": "违章搭建彩钢棚", "category": category, "lon": lon, "lat": LAT,
                                             "source": "hotline"}, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _supervise(store: Store, now: datetime) -> None:
    with store.unit_of_work() as uow:
        supervise_and_announce(uow, case_clock=CaseClock(), policy=SupervisionPolicy(), now=now)


def test_a_case_reported_before_national_day_answers_its_deadlines_and_when_it_is_overdue(
        timed: tuple[TestClient, list[datetime]]) -> None:
    client, now = timed
    operator = login(client, "operator")
    case = _report(client, operator, "illegal_construction")
    assert (case["priority"], case["department"], case["due_step"]) == ("normal", "综合行政执法中队", "accept")
    assert datetime.fromisoformat(case["due_at"]) == datetime(2026, 9, 30, 15, 30, tzinfo=BJ)
    # 5 working days over Golden Week: 8, 9, Saturday 10 (调休), 12, 13 October.
    assert datetime.fromisoformat(case["feedback_due_at"]) == datetime(2026, 10, 13, 17, 30, tzinfo=BJ)
    assert (case["overdue"], case["supervision_level"], case["handled_at"], case["on_time"]) == (False, 0, None, None)
    assert case["triage"] is False and "closed_at" in case and "handling_wh" in case and "confidence" in case
    now[0] = datetime(2026, 10, 8, 9, tzinfo=BJ)
    operator = login(client, "operator")
    got = client.get(f"/api/cases/{case['id']}", headers=operator).json()
    assert got["overdue"] is True
    listed = client.get("/api/cases", headers=operator).json()["items"]
    assert [(c["id"], c["overdue"]) for c in listed] == [(case["id"], True)]
    accepted = client.post(f"/api/cases/{case['id']}/actions/accept", json={}, headers=operator).json()
    assert (accepted["due_step"], accepted["overdue"]) == ("dispatch", False)
    assert datetime.fromisoformat(accepted["due_at"]) == datetime(2026, 10, 9, 17, 30, tzinfo=BJ)


def test_the_supervisors_queue_filters_and_orders_and_reminders_are_listed_and_acknowledged(
        store: Store, timed: tuple[TestClient, list[datetime]]) -> None:
    client, now = timed
    operator = login(client, "operator")
    urgent = _report(client, operator, "fire_hazard")  # accept within 1 clock hour
    far = _report(client, operator, "illegal_construction", lon=LON + 0.5)  # in T02, accept by 15:30
    quiet = _report(client, operator, "streetlight")
    client.post(f"/api/cases/{quiet['id']}/actions/accept", json={}, headers=operator)  # due 8 October
    _supervise(store, datetime(2026, 9, 30, 13, tzinfo=BJ))
    now[0] = datetime(2026, 9, 30, 13, tzinfo=BJ)
    supervisor = login(client, "supervisor")
    queue = client.get("/api/supervision/queue", headers=supervisor).json()
    assert [(c["id"], c["supervision_level"]) for c in queue["items"]] == [(urgent["id"], 2), (far["id"], 1)]
    assert queue["total"] == 2
    top = queue["items"][0]
    assert top["overdue"] is True and top["overdue_by_wh"] == 1.0  # due 11:00; 11:00-12:00 worked, then lunch
    assert top["last_reminder"]["kind"] == "overdue" and top["last_reminder"]["recipient"] == "platform:governance"
    assert queue["items"][1]["overdue_by_wh"] == 0 and queue["items"][1]["last_reminder"]["kind"] == "due_soon"
    assert [c["id"] for c in client.get("/api/supervision/queue?level=1", headers=supervisor).json()["items"]] == [
        far["id"]]
    assert [c["id"] for c in client.get("/api/supervision/queue?grid=T02", headers=supervisor).json()["items"]] == [
        far["id"]]
    assert client.get("/api/supervision/queue?platform=market", headers=supervisor).json()["total"] == 0
    assert client.get("/api/supervision/queue?level=5", headers=supervisor).status_code == 422

    reminders = client.get(f"/api/cases/{urgent['id']}/reminders", headers=supervisor).json()
    assert [(r["level"], r["kind"]) for r in reminders] == [(2, "overdue")]
    acked = client.post(f"/api/supervision/reminders/{reminders[0]['id']}/ack", headers=supervisor).json()
    assert (acked["acknowledged_by"], datetime.fromisoformat(acked["acknowledged_at"])) == ("supervisor", now[0])
    assert client.post("/api/supervision/reminders/999/ack", headers=supervisor).status_code == 404
    assert client.get("/api/cases/999/reminders", headers=supervisor).status_code == 404
    events = client.get(f"/api/cases/{urgent['id']}", headers=supervisor).json()["events"]
    assert [e["action"] for e in events] == ["report", "supervise"]


@pytest.mark.parametrize(("who", "read", "act"), [("viewer", 403, 403), ("staff", 403, 403), ("member", 403, 403),
                                                   ("supervisor", 200, 404), ("operator", 200, 404),
                                                   ("admin", 200, 404)])
def test_only_supervisors_operators_and_admins_may_read_and_act_on_supervision(
        timed: tuple[TestClient, list[datetime]], who: str, read: int, act: int) -> None:
    client, _ = timed
    headers = login(client, who)
    assert client.get("/api/supervision/queue", headers=headers).status_code == read
    assert client.post("/api/supervision/reminders/1/ack", headers=headers).status_code == act
    assert client.get("/api/supervision/queue").status_code == 401


def test_a_new_taxonomy_takes_effect_for_the_next_report_at_once(timed: tuple[TestClient, list[datetime]]) -> None:
    client, _ = timed
    admin = login(client, "admin")
    before = _report(client, admin, "illegal_construction")  # the app's clock has read the shipped taxonomy
    assert datetime.fromisoformat(before["due_at"]) == datetime(2026, 9, 30, 15, 30, tzinfo=BJ)
    doc = client.get("/api/taxonomy", headers=admin).json()["taxonomy"]
    for group in doc["categories"]:
        for sub in group["sub"]:
            if sub["code"] == "illegal_construction":
                sub["time_limits"] = {**(sub.get("time_limits") or {}), "accept": "1h"}
    assert client.put("/api/taxonomy", json={"taxonomy": doc, "note": "faster"}, headers=admin).status_code == 200
    case = _report(client, admin, "illegal_construction")
    assert datetime.fromisoformat(case["due_at"]) == EVE + timedelta(hours=1)
