"""Supervision (督办) on both stores: levels by the due time, escalation up the chain, reminders, idempotence."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cases import feed as payloads
from cases.clock import CaseClock
from cases.errors import CaseError, CaseNotFound
from cases.models import Case, CaseStatus, Platform
from cases.supervision import (SUPERVISE, ReminderKind, SupervisionPolicy, acknowledge_reminder, level_for,
                               overdue_wh)
from cases.supervision_run import supervise_and_announce
from cases.workdays import WorkingCalendar
from storage import Store
from tests.factories import make_case

BJ = ZoneInfo("Asia/Shanghai")
DUE = datetime(2026, 9, 30, 17, 30, tzinfo=BJ)  # the close of business on the eve of National Day
POLICY = SupervisionPolicy(due_soon=timedelta(hours=4), head_after_wh=8, leader_after_wh=16)


def _add(store: Store, **fields: object) -> Case:
    case = make_case(platform=Platform.ENFORCEMENT, status=CaseStatus.IN_PROGRESS, due_step="handle", due_at=DUE,
                     created_at=DUE - timedelta(days=5), updated_at=DUE - timedelta(days=5))
    with store.unit_of_work() as uow:
        return uow.cases.add(replace(case, **fields))


def _run(store: Store, now: datetime) -> str:
    with store.unit_of_work() as uow:
        return supervise_and_announce(uow, case_clock=CaseClock(), policy=POLICY, now=now).describe()


def _state(store: Store, case_id: int) -> tuple[int, list[tuple[int, str, str]], int, int]:
    with store.read_only() as uow:
        case = uow.cases.get(case_id)
        reminders = [(r.level, str(r.kind), r.recipient) for r in uow.case_reminders.for_case(case_id)]
        events = [e for e in uow.cases.events(case_id) if e.action == SUPERVISE]
        announced = [e for e in uow.feed.since(0) if e.kind == payloads.CASE_SUPERVISED]
    assert case is not None and all(e.from_status == e.to_status == case.status for e in events)
    return case.supervision_level, reminders, len(events), len(announced)


def test_levels_rise_up_the_chain_with_one_reminder_event_and_announcement_each_and_a_rerun_adds_nothing(
        store: Store) -> None:
    case_id: int = _add(store).id  # type: ignore[assignment]
    assert "no rise" in _run(store, DUE - timedelta(hours=5))  # not yet due soon
    assert _state(store, case_id) == (0, [], 0, 0)
    _run(store, DUE - timedelta(hours=3))
    assert _state(store, case_id) == (1, [(1, "due_soon", "platform:enforcement")], 1, 1)
    assert "no rise" in _run(store, DUE - timedelta(hours=3))  # idempotent at the same moment
    assert "no rise" in _run(store, DUE - timedelta(hours=1))  # still due soon: no new reminder
    _run(store, DUE + timedelta(minutes=1))
    assert _state(store, case_id)[0] == 2
    # The holiday does not count: eight working hours late is 9 October at 09:00 (8 October is 7.5 hours).
    assert "no rise" in _run(store, datetime(2026, 10, 9, 8, 59, tzinfo=BJ))
    assert "1 to level 3" in _run(store, datetime(2026, 10, 9, 9, tzinfo=BJ))
    assert "no rise" in _run(store, datetime(2026, 10, 9, 23, tzinfo=BJ))  # 15 working hours
    # Saturday 10 October is a make-up working day (调休): its first hour makes sixteen.
    assert "1 to level 4" in _run(store, datetime(2026, 10, 10, 9, 30, tzinfo=BJ))
    level, reminders, events, announced = _state(store, case_id)
    assert level == 4 and (events, announced) == (4, 4)
    assert reminders == [(1, "due_soon", "platform:enforcement"), (2, "overdue", "platform:enforcement"),
                         (3, "escalated_head", "platform_head:enforcement"), (4, "escalated_leader", "leader")]
    assert "0 cases" in _run(store, datetime(2026, 10, 20, tzinfo=BJ))  # the top level: nothing left to look at


def test_a_case_found_long_overdue_jumps_to_its_level_with_one_reminder(store: Store) -> None:
    case_id: int = _add(store).id  # type: ignore[assignment]
    assert "1 to level 3" in _run(store, datetime(2026, 10, 9, 12, tzinfo=BJ))
    assert _state(store, case_id) == (3, [(3, "escalated_head", "platform_head:enforcement")], 1, 1)


def test_finished_cases_cases_without_a_due_time_and_cases_not_yet_due_soon_are_left_alone(store: Store) -> None:
    closed = _add(store, status=CaseStatus.CLOSED).id
    undue = _add(store, due_at=None, due_step="").id
    later = _add(store, due_at=DUE + timedelta(days=30)).id
    assert "0 cases" in _run(store, DUE + timedelta(days=1))
    for case_id in (closed, undue, later):
        assert _state(store, case_id) == (0, [], 0, 0)  # type: ignore[arg-type]


def test_due_before_answers_open_cases_due_by_then_below_a_level_soonest_first(store: Store) -> None:
    second = _add(store, due_at=DUE + timedelta(hours=1)).id
    first = _add(store).id
    _add(store, supervision_level=4)
    _add(store, status=CaseStatus.MERGED)
    _add(store, due_at=DUE + timedelta(hours=3))
    with store.read_only() as uow:
        assert [c.id for c in uow.cases.due_before(DUE + timedelta(hours=2))] == [first, second]
        assert [c.id for c in uow.cases.due_before(DUE + timedelta(hours=2), limit=1)] == [first]


def test_the_queue_lists_supervised_open_cases_highest_level_first_then_soonest_due_with_filters(store: Store) -> None:
    low = _add(store, supervision_level=1, due_at=DUE - timedelta(hours=1)).id
    high = _add(store, supervision_level=3).id
    other = _add(store, supervision_level=3, due_at=DUE - timedelta(hours=2), platform=Platform.MARKET,
                 grid_path=("T02",)).id
    _add(store, supervision_level=2, status=CaseStatus.CLOSED)
    _add(store)
    with store.read_only() as uow:
        assert [c.id for c in uow.cases.supervised()] == [other, high, low]
        assert uow.cases.count_supervised() == 3
        assert [c.id for c in uow.cases.supervised(level=3, platform=Platform.ENFORCEMENT)] == [high]
        assert [c.id for c in uow.cases.supervised(grid_code="T02")] == [other]
        assert [c.id for c in uow.cases.supervised(any_grid=["T01"], limit=1, offset=1)] == [low]
        assert uow.cases.count_supervised(level=1) == 1


def test_a_step_that_moves_the_case_between_runs_is_judged_afresh_and_reminders_are_acknowledged_once(
        store: Store) -> None:
    case_id: int = _add(store).id  # type: ignore[assignment]
    _run(store, DUE + timedelta(minutes=5))
    with store.unit_of_work() as uow:
        reminder = uow.case_reminders.for_case(case_id)[0]
        first = acknowledge_reminder(reminders=uow.case_reminders, reminder_id=reminder.id, by="sup",  # type: ignore[arg-type]
                                     at=DUE + timedelta(hours=1))
        second = acknowledge_reminder(reminders=uow.case_reminders, reminder_id=reminder.id, by="other",  # type: ignore[arg-type]
                                      at=DUE + timedelta(hours=2))
        with pytest.raises(CaseNotFound):
            acknowledge_reminder(reminders=uow.case_reminders, reminder_id=999, by="sup", at=DUE)
        assert uow.case_reminders.latest_for([case_id, 999]) == {case_id: second}
    assert (first.acknowledged_by, first.acknowledged_at) == ("sup", DUE + timedelta(hours=1)) == (
        second.acknowledged_by, second.acknowledged_at)
    assert first.kind is ReminderKind.OVERDUE and first.due_at == DUE and first.due_step == "handle"


def test_level_for_and_overdue_in_working_hours() -> None:
    calendar = WorkingCalendar()
    case = make_case(due_at=DUE, due_step="handle")
    assert level_for(case, DUE - timedelta(hours=4), calendar=calendar, policy=POLICY) == 1
    assert level_for(case, DUE - timedelta(hours=4, seconds=1), calendar=calendar, policy=POLICY) == 0
    assert level_for(case, DUE, calendar=calendar, policy=POLICY) == 1
    assert overdue_wh(case, datetime(2026, 10, 8, 12, tzinfo=BJ), calendar=calendar) == 3.5
    assert level_for(replace(case, due_at=None), DUE, calendar=calendar, policy=POLICY) == 0
    with pytest.raises(CaseError, match="leader"):
        SupervisionPolicy(head_after_wh=10, leader_after_wh=5)
