"""Contract of delete_older_than on readings, dead letters and the feed, run against every backend."""

from __future__ import annotations

from storage import Store
from tests.factories import at, make_dead_letter, make_reading


def test_readings_older_than_the_cutoff_go_in_batches_and_newer_ones_stay(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.readings.add_many([make_reading(device, ts=at(m)) for device in ("aq-1", "aq-2") for m in range(5)])
    with store.unit_of_work() as uow:
        assert uow.readings.delete_older_than(at(3), limit=4) == 4
        assert uow.readings.delete_older_than(at(3), limit=4) == 2
        assert uow.readings.delete_older_than(at(3), limit=4) == 0
    with store.unit_of_work() as uow:
        kept = sorted((r.device_id, r.ts) for d in ("aq-1", "aq-2") for r in uow.readings.list(device_id=d))
    assert kept == [(d, at(m)) for d in ("aq-1", "aq-2") for m in (3, 4)]


def test_dead_letters_older_than_the_cutoff_go_oldest_first(store: Store) -> None:
    with store.unit_of_work() as uow:
        for m in (5, 0, 1, 6):
            uow.dead_letters.add(make_dead_letter(received_at=at(m), reason=f"minute {m}"))
    with store.unit_of_work() as uow:
        assert uow.dead_letters.delete_older_than(at(5), limit=1) == 1
        assert [d.reason for d in uow.dead_letters.list()] == ["minute 6", "minute 5", "minute 1"]
        assert uow.dead_letters.delete_older_than(at(5), limit=10) == 1
        assert [d.reason for d in uow.dead_letters.list()] == ["minute 6", "minute 5"]


def test_feed_entries_older_than_the_cutoff_go_and_ids_are_not_reused(store: Store) -> None:
    with store.unit_of_work() as uow:
        ids = [uow.feed.append("case.created", {"case_id": m}, at=at(m)).id for m in range(4)]
    with store.unit_of_work() as uow:
        assert uow.feed.delete_older_than(at(2), limit=500) == 2
    with store.unit_of_work() as uow:
        assert [e.id for e in uow.feed.since(0)] == ids[2:]
        newer = uow.feed.append("case.created", {"case_id": 9}, at=at(9))
    assert newer.id > ids[-1]
    with store.unit_of_work() as uow:
        assert uow.feed.delete_older_than(at(100), limit=500) == 3
    with store.unit_of_work() as uow:
        assert uow.feed.append("case.created", {"case_id": 10}, at=at(10)).id > newer.id
