"""Contract of Store and UnitOfWork (transactions, migrations, the live feed), run against every backend."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timezone

import pytest

from cases.models import CaseStatus
from storage import Store, StorageError
from tests.factories import at, make_case, make_grid, make_reading, make_team


class Boom(Exception):
    """Raised inside a unit of work to prove it rolls back."""


def test_unit_of_work_rolls_back_everything_when_the_block_raises(store: Store) -> None:
    with store.unit_of_work() as uow:
        revision = uow.grids.revision()
    with pytest.raises(Boom):
        with store.unit_of_work() as uow:
            uow.grids.upsert_many([make_grid("T01")])
            uow.teams.upsert_many([make_team("gov-1")])
            uow.cases.add(make_case())
            uow.readings.add_many([make_reading()])
            uow.feed.append("case.created", {"id": 1}, at=at(0))
            raise Boom("the service failed half way")
    with store.unit_of_work() as uow:
        assert uow.grids.count() == 0
        assert uow.teams.all() == []
        assert uow.cases.count() == 0
        assert uow.readings.count() == 0
        assert uow.feed.last_id() == 0
        assert uow.grids.revision() == revision


def test_unit_of_work_commits_when_the_block_ends(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.cases.add(make_case())
    with store.unit_of_work() as uow:
        assert uow.cases.count(status=CaseStatus.REPORTED) == 1


def test_migrate_again_applies_nothing(store: Store) -> None:
    assert store.migrate() == []
    assert store.migrate() == []


def test_ping_answers(store: Store) -> None:
    assert store.ping() is True


def test_feed_since_returns_newer_entries_oldest_first(store: Store) -> None:
    with store.unit_of_work() as uow:
        assert uow.feed.last_id() == 0
        assert uow.feed.since(0) == []
        first = uow.feed.append("alert.raised", {"alert_id": 7, "grid_path": ["T01", "V01"]}, at=at(0))
        second = uow.feed.append("case.created", {"case_id": 3, "title": "烟雾"}, at=at(1))
    with store.unit_of_work() as uow:
        third = uow.feed.append("case.dispatched", {"case_id": 3, "team_id": "gov-1"}, at=at(2))
    with store.unit_of_work() as uow:
        everything = uow.feed.since(0)
        after_first = uow.feed.since(first.id)
        limited = uow.feed.since(0, limit=2)
        last = uow.feed.last_id()
    assert first.id < second.id < third.id
    assert everything == [first, second, third]
    assert after_first == [second, third]
    assert limited == [first, second]
    assert last == third.id
    assert everything[1].payload == {"case_id": 3, "title": "烟雾"}
    assert everything[0].at == at(0) and everything[0].at.tzinfo is timezone.utc


def test_feed_payload_times_become_iso_utc_text(store: Store) -> None:
    with store.unit_of_work() as uow:
        entry = uow.feed.append("case.updated", {"at": at(0), "status": CaseStatus.CLOSED}, at=at(0))
    with store.unit_of_work() as uow:
        (read,) = uow.feed.since(0)
    assert read.payload == {"at": "2024-05-01T08:00:00+00:00", "status": "closed"}
    assert entry == read


def test_negative_limit_or_offset_is_refused_alike_by_every_backend(store: Store) -> None:
    with pytest.raises(StorageError, match="must not be negative"):
        with store.unit_of_work() as uow:
            uow.cases.list(limit=-1)
    with pytest.raises(StorageError, match="must not be negative"):
        with store.unit_of_work() as uow:
            uow.feed.since(0, limit=-5)


def test_feed_ids_become_visible_in_order_while_writers_overlap(store: Store) -> None:
    first_appended, stop = threading.Event(), threading.Event()
    seen: list[list[int]] = []
    errors: list[BaseException] = []

    def slow_writer() -> None:
        with store.unit_of_work() as uow:
            uow.feed.append("slow", {}, at=at(0))
            first_appended.set()
            time.sleep(0.2)  # a later writer must not get its entry seen before this one commits

    def fast_writer() -> None:
        first_appended.wait(5)
        with store.unit_of_work() as uow:
            uow.feed.append("fast", {}, at=at(1))

    def reader() -> None:
        first_appended.wait(5)
        while not stop.is_set():
            with store.unit_of_work() as uow:
                seen.append([entry.id for entry in uow.feed.since(0)])
            time.sleep(0.01)

    def guarded(target: Callable[[], None]) -> threading.Thread:
        def run() -> None:
            try:
                target()
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                errors.append(exc)
        return threading.Thread(target=run)

    writers = [guarded(slow_writer), guarded(fast_writer)]
    watcher = guarded(reader)
    for thread in (*writers, watcher):
        thread.start()
    for thread in writers:
        thread.join(timeout=15)
    stop.set()
    watcher.join(timeout=15)
    assert not errors
    with store.unit_of_work() as uow:
        final = [entry.id for entry in uow.feed.since(0)]
    assert final == [1, 2]
    assert all(ids == final[: len(ids)] for ids in seen), f"a reader saw ids out of order: {seen}"


def test_a_counter_read_before_a_change_in_the_same_unit_of_work_is_read_anew_after_it(store: Store) -> None:
    # The counters are read together once per unit of work; a change made in it must still show at once.
    with store.unit_of_work() as uow:
        grids, teams = uow.grids.revision(), uow.teams.revision()
        uow.grids.upsert_many([make_grid("T01")])
        assert uow.grids.revision() == grids + 1
        uow.teams.upsert_many([make_team("gov-1")])
        assert uow.teams.revision() == teams + 1
        assert uow.grids.revision() == grids + 1
    with store.unit_of_work() as uow:
        assert (uow.grids.revision(), uow.teams.revision()) == (grids + 1, teams + 1)
