"""Contract of the case clock and task fields (migration 0018), run against every backend."""

from __future__ import annotations

import dataclasses

from cases.models import ReleaseReason, TaskState
from storage import Store
from tests.factories import at, make_assignment, make_case, make_team


def test_the_clock_triage_and_supervision_fields_round_trip_and_update(store: Store) -> None:
    case = make_case(priority="high", department="镇城建办", due_step="handle", due_at=at(60), feedback_due_at=at(90),
                     handled_at=at(30), closed_at=at(40), handling_wh=7.25, on_time=True, confidence=0.42,
                     triage=True, supervision_level=2)
    with store.unit_of_work() as uow:
        stored = uow.cases.add(case)
    with store.read_only() as uow:
        got = uow.cases.get(stored.id)  # type: ignore[arg-type]
    assert got == dataclasses.replace(case, id=stored.id)
    cleared = dataclasses.replace(stored, due_at=None, due_step="", on_time=False, triage=False, confidence=None)
    with store.unit_of_work() as uow:
        uow.cases.update(cleared)
        again = uow.cases.get(stored.id)  # type: ignore[arg-type]
    assert again == dataclasses.replace(cleared, version=2)
    assert again is not None and again.on_time is False and again.handling_wh == 7.25


def test_defaults_are_no_deadline_and_no_triage(store: Store) -> None:
    with store.unit_of_work() as uow:
        got = uow.cases.get(uow.cases.add(make_case()).id)  # type: ignore[arg-type]
    assert got is not None and (got.due_at, got.on_time, got.triage, got.supervision_level) == (None, None, False, 0)


def test_task_state_offer_and_eta_round_trip_and_set_state_moves_only_from_the_expected_state(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1")])
        case_id = uow.cases.add(make_case()).id
        offer = uow.assignments.add(make_assignment(case_id, "gov-1", state=TaskState.OFFERED,
                                                    offer_expires_at=at(5), distance_m=812.5, eta_s=140.0))
    with store.unit_of_work() as uow:
        assert uow.assignments.for_case(case_id) == [offer]  # type: ignore[arg-type]
        assert not uow.assignments.set_state(offer.id, state=TaskState.DONE, at=at(9),  # type: ignore[arg-type]
                                             expected=TaskState.ACCEPTED)
        assert uow.assignments.set_state(offer.id, state=TaskState.ACCEPTED, at=at(3),  # type: ignore[arg-type]
                                         expected=TaskState.OFFERED)
        assert uow.assignments.set_state(offer.id, state=TaskState.DONE, at=at(9))  # type: ignore[arg-type]
        uow.assignments.release(offer.id, at=at(10), reason=ReleaseReason.DECLINED)  # type: ignore[arg-type]
        assert not uow.assignments.set_state(offer.id, state=TaskState.ACCEPTED, at=at(11))  # type: ignore[arg-type]
        got = uow.assignments.for_case(case_id)[0]  # type: ignore[arg-type]
    assert (got.state, got.done_at, got.release_reason) == (TaskState.DONE, at(9), ReleaseReason.DECLINED)
    assert (got.offer_expires_at, got.distance_m, got.eta_s) == (at(5), 812.5, 140.0)
