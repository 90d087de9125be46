"""Stepping a case through the loop, on both stores: assignments claim and release teams, steps are announced."""

from __future__ import annotations

import pytest

from alerts.models import AlertStatus
from cases.errors import CaseError, IllegalTransition, NoTeamAvailable
from cases.lifecycle import Action
from cases.locator import Locator
from cases.models import AssignmentRole, CaseStatus, Platform, ReleaseReason, TeamStatus
from cases.service import StepInput, StepResult
from cases.use_cases import take_step_and_announce
from storage import Store
from tests.factories import LON, at, make_alert, make_case, make_team


def _step(store: Store, locator: Locator, case_id: int, action: Action, minute: float = 1,
          **fields: object) -> StepResult:
    with store.unit_of_work() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        return take_step_and_announce(uow, locator=locator, case_id=case_id, step_in=StepInput(action, **fields),  # type: ignore[arg-type]
                                      actor="test", at=at(minute))


def _cases(store: Store, *titles: str, teams: tuple[str, ...] = ("gov-1",), **fields: object) -> list[int]:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team(t, lon=LON + 0.001 * i) for i, t in enumerate(teams)])
        return [uow.cases.add(make_case(title, **fields)).id for title in titles]  # type: ignore[misc]


def _team_status(store: Store, team_id: str) -> TeamStatus:
    with store.unit_of_work() as uow:
        return uow.teams.get(team_id).status  # type: ignore[union-attr]


def test_a_failed_verification_returns_the_case_to_the_team_that_still_holds_it(store: Store) -> None:
    locator = Locator()
    first, second = _cases(store, "first", "second")
    for case_id in (first, second):
        _step(store, locator, case_id, Action.ACCEPT)
    _step(store, locator, first, Action.DISPATCH, 2)
    _step(store, locator, first, Action.START, 3)
    assert _step(store, locator, first, Action.FEEDBACK, 4).released == ()
    # The command room finds the work not done: the case goes back to the same team, which never let go of it.
    returned = _step(store, locator, first, Action.VERIFY, 5, passed=False)
    assert (returned.case.status, returned.released) == (CaseStatus.RETURNED, ())
    assert _team_status(store, "gov-1") is TeamStatus.BUSY
    with pytest.raises(NoTeamAvailable, match="no available team of platform 'governance'"):
        _step(store, locator, second, Action.DISPATCH, 6)
    assert _step(store, locator, first, Action.START, 7).case.status is CaseStatus.IN_PROGRESS
    _step(store, locator, first, Action.FEEDBACK, 8)
    # Verified at last: now the team is free for the second case.
    assert [a.release_reason for a in _step(store, locator, first, Action.VERIFY, 9).released] == [
        ReleaseReason.VERIFIED]
    assert _step(store, locator, second, Action.DISPATCH, 10).team.id == "gov-1"  # type: ignore[union-attr]


def test_dispatch_claims_the_nearest_available_team_by_a_lead_assignment_and_announces_it(store: Store) -> None:
    locator = Locator()
    (case_id,) = _cases(store, "smoke", teams=("gov-near", "gov-far"))
    _step(store, locator, case_id, Action.ACCEPT)
    result = _step(store, locator, case_id, Action.DISPATCH, 2, note="take the ladder")
    assert result.team is not None and result.team.id == "gov-near" and result.team.status is TeamStatus.BUSY
    assert result.assignment is not None
    assert (result.assignment.team_id, result.assignment.role, result.assignment.task) == (
        "gov-near", AssignmentRole.LEAD, "take the ladder")
    assert result.event.data["assignment_id"] == result.assignment.id
    with store.unit_of_work() as uow:
        kinds = [(e.kind, e.payload.get("assignment", {}).get("team_id")) for e in uow.feed.since(0)]
        stored = uow.assignments.for_case(case_id)
    assert kinds == [("case.updated", None), ("case.updated", None), ("team.assigned", "gov-near")]
    assert stored == [result.assignment] and stored[0].active
    assert _team_status(store, "gov-far") is TeamStatus.AVAILABLE


def test_start_records_arrival_verification_releases_and_frees_the_team(store: Store) -> None:
    locator = Locator()
    (case_id,) = _cases(store, "smoke")
    _step(store, locator, case_id, Action.ACCEPT)
    _step(store, locator, case_id, Action.DISPATCH, 2)
    _step(store, locator, case_id, Action.START, 3)
    _step(store, locator, case_id, Action.FEEDBACK, 4)
    result = _step(store, locator, case_id, Action.VERIFY, 4)
    assert [(a.team_id, a.release_reason, a.released_at) for a in result.released] == [
        ("gov-1", ReleaseReason.VERIFIED, at(4))]
    with store.unit_of_work() as uow:
        (assignment,) = uow.assignments.for_case(case_id)
        released = [e.payload["team_id"] for e in uow.feed.since(0) if e.kind == "team.released"]
    assert (assignment.arrived_at, assignment.released_at, assignment.active) == (at(3), at(4), False)
    assert released == ["gov-1"] and _team_status(store, "gov-1") is TeamStatus.AVAILABLE


def test_a_named_team_that_is_busy_is_refused_and_the_case_stays_accepted(store: Store) -> None:
    locator = Locator()
    first, second = _cases(store, "first", "second")
    for case_id in (first, second):
        _step(store, locator, case_id, Action.ACCEPT)
    _step(store, locator, first, Action.DISPATCH, 2, team_id="gov-1")
    with pytest.raises(NoTeamAvailable, match="team gov-1 is busy"):
        _step(store, locator, second, Action.DISPATCH, 3, team_id="gov-1")
    with store.unit_of_work() as uow:
        assert uow.cases.get(second).status is CaseStatus.ACCEPTED  # type: ignore[union-attr]
        assert uow.assignments.for_case(second) == []


def test_close_closes_the_alert_and_evaluate_is_taken_once_with_a_score_from_1_to_5(store: Store) -> None:
    locator = Locator()
    with store.unit_of_work() as uow:
        alert = uow.alerts.add(make_alert())
    (case_id,) = _cases(store, "alarm", alert_id=alert.id, status=CaseStatus.VERIFIED)
    assert _step(store, locator, case_id, Action.CLOSE, 2).case.status is CaseStatus.CLOSED
    with store.unit_of_work() as uow:
        assert uow.alerts.get(alert.id).status is AlertStatus.CLEARED  # type: ignore[arg-type,union-attr]
    for bad in (None, 0, 6):
        with pytest.raises(CaseError, match="satisfaction from 1 to 5"):
            _step(store, locator, case_id, Action.EVALUATE, 3, satisfaction=bad)
    evaluated = _step(store, locator, case_id, Action.EVALUATE, 3, satisfaction=4).case
    assert (evaluated.satisfaction, evaluated.status) == (4, CaseStatus.EVALUATED)
    with pytest.raises(IllegalTransition, match=f"case {case_id} is 'evaluated'; 'evaluate' needs 'closed'"):
        _step(store, locator, case_id, Action.EVALUATE, 4, satisfaction=1)
    with store.unit_of_work() as uow:
        assert uow.cases.get(case_id).satisfaction == 4  # type: ignore[union-attr]
        assert [e.action for e in uow.cases.events(case_id)] == ["close", "evaluate"]


def test_route_needs_a_platform_and_an_illegal_step_names_the_status_it_needs(store: Store) -> None:
    locator = Locator()
    (case_id,) = _cases(store, "stall")
    with pytest.raises(CaseError, match="'route' needs 'platform'"):
        _step(store, locator, case_id, Action.ROUTE)
    routed = _step(store, locator, case_id, Action.ROUTE, platform=Platform.MARKET).case
    assert (routed.platform, routed.status) == (Platform.MARKET, CaseStatus.ROUTED)
    with pytest.raises(IllegalTransition, match=f"case {case_id} is 'routed'; 'close' needs 'verified'"):
        _step(store, locator, case_id, Action.CLOSE)
    with store.unit_of_work() as uow:
        assert [e.action for e in uow.cases.events(case_id)] == ["route"]
