"""Group commit of audit entries: one transaction for those waiting, a whole chain, none lost to a neighbour."""

from __future__ import annotations

import threading
from concurrent.futures import wait
from datetime import UTC, datetime

import pytest

from api.audit_writer import AuditWriter
from audit.service import verify
from storage import Store, StoreUnavailable

AT = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def entry(n: int, **extra: object) -> dict[str, object]:
    return {"actor": f"user{n}", "role": "operator", "source_ip": "10.0.0.1", "action": "POST /api/cases",
            "target": "", "outcome": "ok", "detail": {"status": 201}, **extra}


def test_entries_waiting_together_are_written_in_one_transaction_in_order_as_a_valid_chain(store: Store) -> None:
    writer = AuditWriter(lambda: store, lambda: AT)
    gate = threading.Event()
    original = writer._append

    def held(group):  # type: ignore[no-untyped-def]
        gate.wait(10)  # the first group waits, so the rest queue up behind it
        original(group)

    writer._append = held  # type: ignore[method-assign]
    futures = [writer.submit(entry(n)) for n in range(30)]
    gate.set()
    done, _ = wait(futures, timeout=30)
    assert len(done) == 30 and all(f.exception() is None for f in futures)
    assert writer.groups <= 2  # the first entry alone (maybe), then the 29 waiting behind it together
    with store.read_only() as uow:
        entries = list(uow.audit.entries())
        assert [e.actor for e in entries] == [f"user{n}" for n in range(30)]
        assert verify(repo=uow.audit).ok


def test_a_failing_group_is_written_entry_by_entry_so_good_entries_survive(store: Store) -> None:
    writer = AuditWriter(lambda: store, lambda: AT)
    gate = threading.Event()
    original = writer._append

    def flaky(group):  # type: ignore[no-untyped-def]
        gate.wait(10)
        if any(e["actor"] == "user2" for e, _ in group):
            raise RuntimeError("this entry cannot be stored")
        original(group)

    writer._append = flaky  # type: ignore[method-assign]
    futures = [writer.submit(entry(n)) for n in range(5)]
    gate.set()
    wait(futures, timeout=30)
    assert [f.exception() is None for f in futures] == [True, True, False, True, True]
    with store.read_only() as uow:
        assert [e.actor for e in uow.audit.entries()] == ["user0", "user1", "user3", "user4"]


@pytest.mark.parametrize("count", [1, 3])
def test_the_writer_stops_when_idle_and_starts_again(store: Store, count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("api.audit_writer.IDLE_S", 0.01)
    writer = AuditWriter(lambda: store, lambda: AT)
    for round_ in range(count):
        assert writer.submit(entry(round_)).result(timeout=30) is None
        for thread in threading.enumerate():
            if thread.name == "audit-writer":
                thread.join(5)
        assert not writer._running
    with store.read_only() as uow:
        assert len(list(uow.audit.entries())) == count


def test_an_unreachable_store_fails_the_group_at_once_without_retrying_each_entry(store: Store) -> None:
    writer = AuditWriter(lambda: store, lambda: AT)
    gate = threading.Event()
    calls: list[int] = []

    def down(group):  # type: ignore[no-untyped-def]
        gate.wait(10)
        calls.append(len(group))
        raise StoreUnavailable("store unavailable")

    writer._append = down  # type: ignore[method-assign]
    futures = [writer.submit(entry(n)) for n in range(5)]
    gate.set()
    wait(futures, timeout=30)
    assert all(f.exception() is not None for f in futures)
    assert len(calls) <= 2  # one try per group, never one per entry
