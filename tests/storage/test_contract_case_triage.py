"""Contract of the triage filter of case lists and counts (the triage queue), run against every backend."""

from __future__ import annotations

from cases.models import CaseStatus
from storage import Store
from tests.factories import make_case


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
