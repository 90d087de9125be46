"""Contract of AssignmentRepository, run against every backend: one active assignment per team, released once."""

from __future__ import annotations

import dataclasses

import pytest

from cases.models import AssignmentRole, Platform, ReleaseReason
from storage import Store, StorageError
from tests.factories import at, make_assignment, make_case, make_team


def _seed(store: Store, *team_ids: str) -> tuple[int, int]:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team(t) for t in team_ids])
        return uow.cases.add(make_case("a")).id, uow.cases.add(make_case("b")).id  # type: ignore[return-value]


def test_assignment_round_trips_every_field_and_lists_by_case_in_dispatch_order(store: Store) -> None:
    first, second = _seed(store, "gov-1", "mkt-1")
    with store.unit_of_work() as uow:
        lead = uow.assignments.add(make_assignment(first, "gov-1", dispatched_at=at(2)))
        helper = uow.assignments.add(make_assignment(first, "mkt-1", platform=Platform.MARKET,
                                                     role=AssignmentRole.ASSISTING, dispatched_at=at(1), task="检查"))
    with store.unit_of_work() as uow:
        listed = uow.assignments.for_case(first)
        assert uow.assignments.for_case(second) == []
    assert lead.id is not None and helper.id is not None and lead.id != helper.id
    assert listed == [helper, lead]
    assert helper == dataclasses.replace(make_assignment(first, "mkt-1", platform=Platform.MARKET,
                                                         role=AssignmentRole.ASSISTING, dispatched_at=at(1),
                                                         task="检查"), id=helper.id)


def test_a_team_holds_one_active_assignment_at_most_and_can_be_assigned_again_once_released(store: Store) -> None:
    first, second = _seed(store, "gov-1")
    with store.unit_of_work() as uow:
        held = uow.assignments.add(make_assignment(first, "gov-1"))
    with pytest.raises(StorageError):
        with store.unit_of_work() as uow:
            uow.assignments.add(make_assignment(second, "gov-1"))
    with store.unit_of_work() as uow:
        assert uow.assignments.release(held.id, at=at(5), reason=ReleaseReason.FED_BACK)  # type: ignore[arg-type]
        again = uow.assignments.add(make_assignment(second, "gov-1", dispatched_at=at(6)))
    with store.unit_of_work() as uow:
        assert [a.id for a in uow.assignments.active()] == [again.id]
        assert uow.assignments.count_active() == 1


def test_release_and_arrival_happen_once_and_only_while_active(store: Store) -> None:
    first, _ = _seed(store, "gov-1")
    with store.unit_of_work() as uow:
        held = uow.assignments.add(make_assignment(first, "gov-1"))
        assert uow.assignments.mark_arrived(held.id, at=at(3))  # type: ignore[arg-type]
        assert not uow.assignments.mark_arrived(held.id, at=at(4))  # type: ignore[arg-type]
        assert uow.assignments.release(held.id, at=at(5), reason=ReleaseReason.FED_BACK)  # type: ignore[arg-type]
        assert not uow.assignments.release(held.id, at=at(6), reason=ReleaseReason.CASE_CLOSED)  # type: ignore[arg-type]
    with store.unit_of_work() as uow:
        (got,) = uow.assignments.for_case(first)
        assert uow.assignments.for_case(first, active_only=True) == []
        assert uow.assignments.active() == [] and uow.assignments.count_active() == 0
    assert (got.arrived_at, got.released_at, got.release_reason, got.active) == (
        at(3), at(5), ReleaseReason.FED_BACK, False)


def test_active_assignments_page_oldest_first(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team(f"gov-{i}") for i in range(3)])
        case_id = uow.cases.add(make_case()).id
        made = [uow.assignments.add(make_assignment(case_id, f"gov-{i}", dispatched_at=at(3 - i)))  # type: ignore[arg-type]
                for i in range(3)]
    with store.unit_of_work() as uow:
        assert [a.team_id for a in uow.assignments.active()] == ["gov-2", "gov-1", "gov-0"]
        assert uow.assignments.active(limit=1, offset=1) == [made[1]]
