"""Contract of the work queues' filter (cases.queues) and the count per category, run against every backend."""

from __future__ import annotations

from datetime import timedelta

from cases.models import CaseStatus, Platform
from cases.queues import OPEN, QUEUES, Queue, in_queue, queue_bounds, within
from storage import Store
from tests.factories import T0, make_case

NOW = T0 + timedelta(hours=5)


def _seed(store: Store) -> dict[str, int]:
    """One case per interesting spot, each named by what it is."""
    rows = {
        "reported": dict(status=CaseStatus.REPORTED, due_at=NOW + timedelta(hours=1)),
        "reported late": dict(status=CaseStatus.REPORTED, due_at=NOW - timedelta(minutes=1)),
        "due exactly now": dict(status=CaseStatus.ROUTED, due_at=NOW),
        "accepted": dict(status=CaseStatus.ACCEPTED, platform=Platform.MARKET),
        "escalated late": dict(status=CaseStatus.ESCALATED, due_at=NOW - timedelta(hours=2)),
        "handled": dict(status=CaseStatus.FED_BACK),
        "triage": dict(status=CaseStatus.REPORTED, triage=True, grid_path=("T01", "V02")),
        "triage closed": dict(status=CaseStatus.CLOSED, triage=True),
    }
    with store.unit_of_work() as uow:
        return {title: uow.cases.add(make_case(title, **fields)).id for title, fields in rows.items()}


def test_each_queue_holds_exactly_the_cases_its_definition_names(store: Store) -> None:
    ids = _seed(store)
    expected = {
        Queue.TO_ACCEPT: {"reported", "reported late", "triage"},
        Queue.TO_ROUTE: {"accepted"},
        # Finished cases are never overdue, and a limit that ends at now is not yet past.
        Queue.OVERDUE: {"reported late"},
        Queue.ESCALATED: {"escalated late"},
        Queue.TO_VERIFY: {"handled"},
        Queue.TRIAGE: {"triage"},
    }
    with store.read_only() as uow:
        everything = uow.cases.list(limit=100)
        for queue in QUEUES:
            bounds = queue_bounds(queue, now=NOW)
            listed = uow.cases.list(queue=bounds)
            assert {c.title for c in listed} == expected[queue], queue
            assert uow.cases.count(queue=bounds) == len(expected[queue])
            # The store and the Python definition agree case by case.
            assert {c.id for c in everything if in_queue(c, queue, now=NOW)} == {c.id for c in listed}
        assert uow.cases.count(queue=OPEN) == 6
        assert {c.id for c in uow.cases.list(queue=OPEN)} == {c.id for c in everything if within(c, OPEN)}
        assert ids["triage closed"] not in {c.id for c in uow.cases.list(queue=OPEN)}


def test_queue_combines_with_platform_and_grids_and_overdue_moves_with_now(store: Store) -> None:
    _seed(store)
    with store.read_only() as uow:
        to_accept = queue_bounds(Queue.TO_ACCEPT, now=NOW)
        assert uow.cases.count(queue=to_accept, grid_code="V02") == 1
        assert uow.cases.count(queue=to_accept, any_grid=("V01",)) == 2
        assert uow.cases.count(queue=queue_bounds(Queue.TO_ROUTE, now=NOW), platform=Platform.GOVERNANCE) == 0
        later = queue_bounds(Queue.OVERDUE, now=NOW + timedelta(hours=2))
        assert {c.title for c in uow.cases.list(queue=later)} == {"reported", "reported late", "due exactly now"}


def test_count_by_category_counts_the_period_received_leaving_merged_out(store: Store) -> None:
    with store.unit_of_work() as uow:
        for title, category, status, at in [("a", "safety_hazard", CaseStatus.REPORTED, T0),
                                            ("b", "safety_hazard", CaseStatus.CLOSED, T0 + timedelta(hours=1)),
                                            ("c", "other", CaseStatus.REPORTED, T0),
                                            ("merged", "other", CaseStatus.MERGED, T0),
                                            ("too late", "other", CaseStatus.REPORTED, T0 + timedelta(days=1))]:
            uow.cases.add(make_case(title, category=category, status=status, created_at=at, updated_at=at))
    with store.read_only() as uow:
        until = T0 + timedelta(days=1)
        assert uow.cases.count_by_category(since=T0, until=until) == {"safety_hazard": 2, "other": 1}
        assert uow.cases.count_by_category(since=T0, until=until, platform=Platform.MARKET) == {}
        assert uow.cases.count_by_category(since=T0, until=until, any_grid=()) == {}
