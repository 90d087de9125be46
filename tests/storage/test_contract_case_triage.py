"""Contract of the triage filter of case lists and counts (the triage queue), run against every backend."""

from __future__ import annotations

from cases.models import CaseStatus, ReleaseReason
from cases.repository import Involving
from storage import Store
from tests.factories import at, make_assignment, make_case, make_event, make_team


def test_triage_filter_keeps_only_the_cases_with_that_flag_and_none_keeps_all(store: Store) -> None:
    with store.unit_of_work() as uow:
        sure = uow.cases.add(make_case("sure", confidence=0.93))
        unsure = uow.cases.add(make_case("unsure", confidence=0.31, triage=True))
        other = uow.cases.add(make_case("other", category="other", confidence=0.8, triage=True,
                                        status=CaseStatus.ACCEPTED))
    with store.read_only() as uow:
        assert [c.id for c in uow.cases.list(triage=True)] == [other.id, unsure.id]
        assert [c.id for c in uow.cases.list(triage=False)] == [sure.id]
        assert len(uow.cases.list()) == 3
        assert (uow.cases.count(triage=True), uow.cases.count(triage=False), uow.cases.count()) == (2, 1, 3)
        # The flag combines with the other filters.
        assert [c.id for c in uow.cases.list(triage=True, status=CaseStatus.REPORTED)] == [unsure.id]
        assert uow.cases.count(triage=True, any_grid=("V01",)) == 2
        assert uow.cases.count(triage=True, any_grid=("V99",)) == 0


def test_involving_keeps_the_cases_a_person_reported_or_their_team_holds(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1"), make_team("gov-2")])
        mine = uow.cases.add(make_case("mine"))
        held = uow.cases.add(make_case("held by my team"))
        done = uow.cases.add(make_case("held before, released"))
        theirs = uow.cases.add(make_case("someone else's"))
        uow.cases.append_event(make_event(mine.id, action="report", actor="staff-1", to_status=CaseStatus.REPORTED,
                                          from_status=None))
        uow.cases.append_event(make_event(mine.id, action="accept", actor="staff-2"))
        uow.cases.append_event(make_event(theirs.id, action="report", actor="staff-2",
                                          to_status=CaseStatus.REPORTED, from_status=None))
        uow.cases.append_event(make_event(theirs.id, action="accept", actor="staff-1"))  # acting is not reporting
        uow.assignments.add(make_assignment(held.id, "gov-1"))
        old = uow.assignments.add(make_assignment(done.id, "gov-2"))
        uow.assignments.release(old.id, at=at(5), reason=ReleaseReason.CASE_CLOSED)  # type: ignore[arg-type]
    with store.read_only() as uow:
        assert [c.id for c in uow.cases.list(involving=Involving("staff-1"))] == [mine.id]
        assert [c.id for c in uow.cases.list(involving=Involving("staff-1", "gov-1"))] == [held.id, mine.id]
        assert uow.cases.count(involving=Involving("staff-1", "gov-2")) == 1
        assert uow.cases.count(involving=Involving("nobody")) == 0
        assert uow.cases.count(involving=Involving("staff-2"), triage=True) == 0
