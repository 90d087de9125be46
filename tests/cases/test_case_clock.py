"""The case clock through the loop, on both stores: taxonomy limits counted on the calendar of 2026's National Day."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alerts.models import Severity
from alerts.signals import AlertSignal, CasePolicy, SignalKind
from cases.clock import (LIMITED_STEPS, WAITS_ON, CaseClock, ClockRules, apply_clock, step_due, subcategory,
                         taxonomy_limit)
from cases.lifecycle import FINISHED, Action, allowed_actions, next_status
from cases.locator import Locator
from cases.models import Case, CaseSource, CaseStatus, Platform
from cases.service import CaseCreate, StepInput, StepResult
from cases.taxonomy import shipped_taxonomy
from cases.use_cases import handle_alert_signal, report_case_and_announce, take_step_and_announce
from cases.workdays import Hours, WorkingCalendar, WorkingDays, WorkingHours
from storage import Store
from tests.factories import LAT, LON, make_case, make_grid, make_team

BJ = ZoneInfo("Asia/Shanghai")


def bj(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """Return a moment of 2026 in Beijing time."""
    return datetime(2026, month, day, hour, minute, tzinfo=BJ)


def _report(store: Store, clock: CaseClock | None, when: datetime, category: str = "illegal_construction") -> Case:
    with store.unit_of_work() as uow:
        return report_case_and_announce(uow, case_in=CaseCreate(
            title="违章搭建", category=category, lon=LON, lat=LAT, source=CaseSource.GRID_STAFF),
            grid_path=("T01",), actor="test", at=when, case_clock=clock).case


def _step(store: Store, clock: CaseClock, case_id: int, action: Action, when: datetime, **fields: object) -> StepResult:
    locator = Locator()
    with store.unit_of_work() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        return take_step_and_announce(uow, locator=locator, case_id=case_id, step_in=StepInput(action, **fields),  # type: ignore[arg-type]
                                      actor="test", at=when, case_clock=clock)


def test_a_case_reported_on_the_eve_of_national_day_is_due_after_golden_week_counting_the_makeup_saturday(
        store: Store) -> None:
    clock = CaseClock()
    case = _report(store, clock, bj(9, 30, 10))
    # 违章建筑: normal priority, 镇综合行政执法中队; accept within 4 working hours: 10:00-12:00 and 13:30-15:30.
    assert (case.priority, case.department, case.due_step) == ("normal", "综合行政执法中队", "accept")
    assert case.due_at == bj(9, 30, 15, 30)
    # 5 working days: 1-7 October are the holiday; 8, 9, Saturday 10 (调休, worked), 12, 13 October.
    assert case.feedback_due_at == bj(10, 13, 17, 30)
    with store.read_only() as uow:
        assert uow.cases.get(case.id) == case  # type: ignore[arg-type]

    accepted = _step(store, clock, case.id, Action.ACCEPT, bj(9, 30, 11)).case  # type: ignore[arg-type]
    # Dispatch within 1 working day of acceptance: the next working day is 8 October.
    assert (accepted.due_step, accepted.due_at) == ("dispatch", bj(10, 8, 17, 30))


def test_handled_late_is_not_on_time_and_its_working_hours_skip_the_holiday_and_count_the_makeup_saturday(
        store: Store) -> None:
    clock = CaseClock()
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("enf-1", platform=Platform.ENFORCEMENT)])
    case_id: int = _report(store, clock, bj(9, 30, 10)).id  # type: ignore[assignment]
    _step(store, clock, case_id, Action.ACCEPT, bj(9, 30, 11))
    routed = _step(store, clock, case_id, Action.ROUTE, bj(9, 30, 11, 30), platform="enforcement").case
    assert routed.due_at == bj(10, 8, 17, 30)  # re-routing keeps the dispatch limit that began at acceptance
    dispatched = _step(store, clock, case_id, Action.DISPATCH, bj(10, 8, 9)).case
    # Handle within 5 working days of dispatch: 9, 10 (Saturday, worked), 12, 13, 14 October.
    assert (dispatched.due_step, dispatched.due_at) == ("handle", bj(10, 14, 17, 30))
    started = _step(store, clock, case_id, Action.START, bj(10, 9, 9)).case
    assert started.due_at == dispatched.due_at
    handled = _step(store, clock, case_id, Action.FEEDBACK, bj(10, 15, 10)).case
    # 30 Sep 6 h + 8, 9, 10, 12, 13, 14 Oct 6 x 7.5 h + 15 Oct 1.5 h = 52.5 working hours.
    assert (handled.handled_at, handled.on_time, handled.handling_wh) == (bj(10, 15, 10), False, 52.5)
    assert (handled.due_step, handled.due_at) == ("verify", None)

    # Rework does not reset the clock: the handle limit still counts from the first dispatch.
    returned = _step(store, clock, case_id, Action.VERIFY, bj(10, 15, 11), passed=False).case
    assert (returned.status, returned.due_step, returned.due_at) == (CaseStatus.RETURNED, "handle", bj(10, 14, 17, 30))
    _step(store, clock, case_id, Action.START, bj(10, 15, 12))
    again = _step(store, clock, case_id, Action.FEEDBACK, bj(10, 16, 9)).case
    assert (again.handled_at, again.on_time) == (bj(10, 15, 10), False)  # stamped once, at the first handling
    _step(store, clock, case_id, Action.VERIFY, bj(10, 16, 10))
    closed = _step(store, clock, case_id, Action.CLOSE, bj(10, 16, 11)).case
    assert (closed.closed_at, closed.due_step, closed.due_at) == (bj(10, 16, 11), "", None)
    reopened = _step(store, clock, case_id, Action.REOPEN, bj(10, 19, 9), note="still there").case
    assert (reopened.closed_at, reopened.due_step, reopened.due_at) == (None, "dispatch", bj(10, 20, 17, 30))


def test_handled_in_time_is_on_time(store: Store) -> None:
    clock = CaseClock()
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("enf-1", platform=Platform.ENFORCEMENT)])
    case_id: int = _report(store, clock, bj(9, 30, 10)).id  # type: ignore[assignment]
    _step(store, clock, case_id, Action.ROUTE, bj(9, 30, 10, 5), platform="enforcement")
    _step(store, clock, case_id, Action.DISPATCH, bj(9, 30, 10, 10))
    _step(store, clock, case_id, Action.START, bj(9, 30, 11))
    handled = _step(store, clock, case_id, Action.FEEDBACK, bj(10, 8, 9)).case
    assert (handled.on_time, handled.handling_wh) == (True, 6.5)  # 30 Sep 6 h + 8 Oct 08:30-09:00


def test_an_urgent_matter_counts_clock_hours_through_the_holiday_night(store: Store) -> None:
    case = _report(store, CaseClock(), bj(9, 30, 23), category="fire_hazard")
    assert (case.priority, case.due_step, case.due_at) == ("urgent", "accept", bj(10, 1, 0))
    # The reporter hears back within 1 working day: sooner than the 5 working days of seed 003.
    assert case.feedback_due_at == bj(10, 8, 17, 30)


def test_without_a_clock_nothing_is_stamped(store: Store) -> None:
    case = _report(store, None, bj(9, 30, 10))
    assert (case.priority, case.due_step, case.due_at, case.feedback_due_at) == ("", "", None, None)


def test_a_new_step_resets_the_supervision_level_and_the_same_step_keeps_it() -> None:
    rules = ClockRules(shipped_taxonomy(), WorkingCalendar())
    case = make_case(category="illegal_construction", status=CaseStatus.IN_PROGRESS, due_step="handle",
                     due_at=bj(10, 14, 17, 30), supervision_level=3)
    same = apply_clock(case, {"status": CaseStatus.IN_PROGRESS}, rules=rules, action=Action.START, at=bj(10, 15, 9))
    assert "supervision_level" not in same and "due_at" not in same
    handled = apply_clock(case, {"status": CaseStatus.HANDLED}, rules=rules, action=Action.FEEDBACK, at=bj(10, 15, 9))
    assert (handled["supervision_level"], handled["due_step"], handled["due_at"]) == (0, "verify", None)
    finished = apply_clock(case, {"status": CaseStatus.ESCALATED}, rules=rules, action=Action.ESCALATE, at=bj(10, 15, 9))
    assert (finished["due_step"], finished["due_at"]) == ("", None)


def test_taxonomy_limits_read_h_as_working_hours_wd_as_working_days_ch_as_clock_hours() -> None:
    assert taxonomy_limit("2h") == WorkingHours(2.0)
    assert taxonomy_limit("3wd") == WorkingDays(3)
    assert taxonomy_limit("24ch") == Hours(24.0)
    rules = ClockRules(shipped_taxonomy(), WorkingCalendar())
    assert subcategory(rules, "no_such_code") == rules.taxonomy.subcategories["other"]
    assert step_due(rules, "other", "verify", bj(9, 30, 10)) is None


class _Versions:
    def __init__(self) -> None:
        self.reads = 0

    def latest(self) -> None:
        self.reads += 1


class _Calendar:
    def all_years(self) -> list[object]:
        return []


class _Sources:
    def __init__(self) -> None:
        self.taxonomy_versions = _Versions()
        self.work_calendar = _Calendar()


@pytest.mark.parametrize(("elapsed", "invalidate", "reads"), [(1.0, False, 1), (60.0, False, 2), (1.0, True, 2)])
def test_the_clock_reads_its_rules_once_per_refresh_period_or_after_invalidate(elapsed: float, invalidate: bool,
                                                                                reads: int) -> None:
    now = [0.0]
    clock = CaseClock(refresh_s=60.0, monotonic=lambda: now[0])
    sources = _Sources()
    first = clock.rules(sources)  # type: ignore[arg-type]
    now[0] += elapsed
    if invalidate:
        clock.invalidate()
    clock.rules(sources)  # type: ignore[arg-type]
    assert sources.taxonomy_versions.reads == reads
    assert first.taxonomy is shipped_taxonomy()


def test_a_case_an_alarm_opens_and_dispatches_gets_its_deadlines_from_the_clock_it_is_given(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("T01", size=0.05)])
        uow.teams.upsert_many([make_team("enf-1", platform=Platform.ENFORCEMENT)])
    when = bj(9, 30, 16)
    signal = AlertSignal(kind=SignalKind.RAISE, rule_id="noise-high", subject_id="ns-1", subject_kind="noise",
                         subject_name="Noise ns-1", metric="db", value=90.0, limit=75.0, severity=Severity.WARNING, at=when, lon=LON, lat=LAT,
                         policy=CasePolicy(auto_dispatch=True), owner="town")
    locator = Locator()
    with store.unit_of_work() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        outcome = handle_alert_signal(uow, locator=locator, signal=signal, at=when, case_clock=CaseClock())
    assert outcome is not None and outcome.dispatched and outcome.case is not None
    case = outcome.case.case
    sub = shipped_taxonomy().subcategories[case.category]
    assert (case.priority, case.department, case.due_step) == (str(sub.priority), sub.department, "handle")
    assert case.due_at == step_due(ClockRules(shipped_taxonomy(), WorkingCalendar()), case.category, "handle", when)
    assert case.due_at is not None and case.due_at > bj(10, 7, 23)  # counted past Golden Week


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.booleans(), st.integers(1, 60 * 24 * 3)), max_size=40))
def test_any_walk_of_the_loop_keeps_the_clock_on_the_step_the_case_waits_on(
        walk: list[tuple[int, bool, int]]) -> None:
    rules = ClockRules(shipped_taxonomy(), WorkingCalendar())
    when = bj(9, 28, 9)
    case = replace(make_case(category="manhole_cover", created_at=when, updated_at=when),
                   **apply_clock(make_case(category="manhole_cover", created_at=when), {}, rules=rules,
                                 action=Action.REPORT, at=when))
    handled_first = None
    for choice, passed, minutes in walk:
        allowed = allowed_actions(case.status)
        if not allowed:
            break
        action = allowed[choice % len(allowed)]  # every step legal, so walks reach closing and reopening
        status = next_status(action, case.status, passed=passed)
        when += timedelta(minutes=minutes)
        before = case
        changes = apply_clock(case, {"status": status}, rules=rules, action=action, at=when, dispatched_at=when)
        case = replace(case, **changes)
        step = "" if status in FINISHED else WAITS_ON[status]
        assert case.due_step == step
        assert (case.due_at is not None) == (step in LIMITED_STEPS)
        if case.due_step != before.due_step:
            assert case.supervision_level == 0
        if status is CaseStatus.HANDLED and handled_first is None:
            handled_first = case.handled_at
        assert case.handled_at == handled_first  # stamped once
        assert (case.closed_at is not None) == (status in (CaseStatus.CLOSED, CaseStatus.EVALUATED))
        case = replace(case, supervision_level=min(4, case.supervision_level + 1))  # supervision ran meanwhile
