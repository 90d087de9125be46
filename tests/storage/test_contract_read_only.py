"""Contract of Store.read_only: reads on a snapshot that never wait for writers, and refuse to write."""

from __future__ import annotations

import threading

import pytest

from storage import Store, StorageError
from tests.factories import at, make_case, make_grid

# Generous: a read that proceeds answers in milliseconds; one queued behind the writer would wait for ever.
DEADLINE_S = 5.0


def test_read_only_reads_what_is_committed(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.cases.add(make_case())
        uow.grids.upsert_many([make_grid("T01")])
        entry = uow.feed.append("case.opened", {"case_id": 1}, at=at(0))
    with store.read_only() as uow:
        assert uow.cases.count() == 1
        assert uow.grids.get("T01") is not None
        assert uow.grids.revision() >= 1
        assert uow.feed.since(0) == [entry]
        assert uow.feed.last_id() == entry.id


@pytest.mark.parametrize("write", ["case", "feed", "grid"])
def test_a_write_inside_read_only_raises_storage_error_and_stores_nothing(store: Store, write: str) -> None:
    with pytest.raises(StorageError, match="read-only"):
        with store.read_only() as uow:
            if write == "case":
                uow.cases.add(make_case())
            elif write == "feed":
                uow.feed.append("case.opened", {"case_id": 1}, at=at(0))
            else:
                uow.grids.upsert_many([make_grid("T01")])
                uow.flush()
    with store.unit_of_work() as uow:
        assert uow.cases.count() == 0
        assert uow.feed.last_id() == 0
        assert uow.grids.count() == 0


def test_connections_are_writable_again_after_read_only(store: Store) -> None:
    for n in range(1, 4):
        with store.read_only() as uow:
            assert uow.cases.count() == n - 1
        with store.unit_of_work() as uow:
            uow.cases.add(make_case())
    with pytest.raises(StorageError):
        with store.read_only() as uow:
            uow.cases.add(make_case())
    with store.unit_of_work() as uow:
        uow.cases.add(make_case())
        assert uow.cases.count() == 4


def test_read_only_proceeds_while_a_writer_holds_its_transaction_open(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.cases.add(make_case("committed"))
    writer_holds, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            # On SQLite this holds the write lock (BEGIN IMMEDIATE) until release. (On PostGIS a feed append
            # would, by design, hold feed readers until it commits; see lock_feed_for_append.)
            with store.unit_of_work() as uow:
                uow.cases.add(make_case("uncommitted"))
                writer_holds.set()
                release.wait(30)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)
            writer_holds.set()

    thread = threading.Thread(target=writer)
    thread.start()
    seen: list[tuple[int, list[int]]] = []
    read_done = threading.Event()

    def reader() -> None:
        try:
            with store.read_only() as uow:
                seen.append((uow.cases.count(), [e.id for e in uow.feed.since(0)]))
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)
        read_done.set()

    try:
        assert writer_holds.wait(DEADLINE_S)
        reading = threading.Thread(target=reader)
        reading.start()
        proceeded = read_done.wait(DEADLINE_S)
    finally:
        release.set()
        thread.join(30)
    reading.join(30)
    assert not errors
    assert proceeded, "a read-only unit of work waited for the writer"
    assert seen == [(1, [])], "the read saw the writer's uncommitted rows"
