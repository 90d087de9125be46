"""Contract of the city outbox and the inbound log (migration 0021), run against every backend."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from cases.handoff.models import InboundKind, InboundMessage, OutboxMessage, OutboxState
from storage import StorageError, Store
from tests.factories import at, make_case


def _message(case_id: int, key: str, *, due: float = 0) -> OutboxMessage:
    return OutboxMessage(case_id=case_id, kind="escalation", payload={"case": {"id": case_id, "title": "井盖缺失"}},
                         idempotency_key=key, created_at=at(0), next_attempt_at=at(due))


def _case(store: Store) -> int:
    with store.unit_of_work() as uow:
        return uow.cases.add(make_case()).id  # type: ignore[return-value]


def test_a_message_round_trips_and_its_idempotency_key_is_unique(store: Store) -> None:
    case_id = _case(store)
    with store.unit_of_work() as uow:
        stored = uow.city_outbox.add(_message(case_id, "k-1"))
    with store.read_only() as uow:
        assert uow.city_outbox.get(stored.id) == stored  # type: ignore[arg-type]
        assert uow.city_outbox.get(999) is None
    assert stored == dataclasses.replace(_message(case_id, "k-1"), id=stored.id)
    assert stored.state is OutboxState.PENDING
    with pytest.raises(StorageError, match="k-1"), store.unit_of_work() as uow:
        uow.city_outbox.add(_message(case_id, "k-1"))


def test_a_claim_takes_only_due_pending_messages_counts_the_attempt_and_leases_them(store: Store) -> None:
    case_id = _case(store)
    with store.unit_of_work() as uow:
        first = uow.city_outbox.add(_message(case_id, "k-1", due=0))
        second = uow.city_outbox.add(_message(case_id, "k-2", due=1))
        later = uow.city_outbox.add(_message(case_id, "k-3", due=60))
    with store.unit_of_work() as uow:
        claimed = uow.city_outbox.claim_due(now=at(5), lease_until=at(20), limit=10)
    assert [(m.id, m.attempts, m.next_attempt_at) for m in claimed] == [(first.id, 1, at(20)), (second.id, 1, at(20))]
    with store.unit_of_work() as uow:
        # Leased: a second worker (or the next run) finds nothing due until the lease ends.
        assert uow.city_outbox.claim_due(now=at(10), lease_until=at(30), limit=10) == []
        again = uow.city_outbox.claim_due(now=at(20), lease_until=at(40), limit=1)
    assert [(m.id, m.attempts) for m in again] == [(first.id, 2)]
    assert later.id not in {m.id for m in claimed + again}


def test_outcomes_are_recorded_only_for_the_claim_that_holds_the_message(store: Store) -> None:
    case_id = _case(store)
    with store.unit_of_work() as uow:
        message = uow.city_outbox.add(_message(case_id, "k-1"))
        uow.city_outbox.claim_due(now=at(0), lease_until=at(1), limit=5)
        uow.city_outbox.claim_due(now=at(2), lease_until=at(3), limit=5)  # the lease ran out; attempt 2 holds it
        assert not uow.city_outbox.mark_delivered(message.id, attempt=1, at=at(2))  # type: ignore[arg-type]
        assert uow.city_outbox.mark_retry(message.id, attempt=2, next_attempt_at=at(9),  # type: ignore[arg-type]
                                          error="HTTP 503")
        got = uow.city_outbox.get(message.id)  # type: ignore[arg-type]
        assert got is not None and (got.attempts, got.next_attempt_at, got.last_error) == (2, at(9), "HTTP 503")
        uow.city_outbox.claim_due(now=at(9), lease_until=at(10), limit=5)
        assert uow.city_outbox.mark_delivered(message.id, attempt=3, at=at(9))  # type: ignore[arg-type]
        assert not uow.city_outbox.mark_gave_up(message.id, attempt=3, at=at(9), error="late")  # type: ignore[arg-type]
        done = uow.city_outbox.get(message.id)  # type: ignore[arg-type]
    assert done is not None and (done.state, done.delivered_at, done.last_error) == (OutboxState.DELIVERED, at(9), "")


def test_states_list_and_count_and_only_a_failed_message_is_retried(store: Store) -> None:
    case_id = _case(store)
    with store.unit_of_work() as uow:
        ids = [uow.city_outbox.add(_message(case_id, f"k-{i}")).id for i in range(3)]
        uow.city_outbox.claim_due(now=at(0), lease_until=at(1), limit=5)
        uow.city_outbox.mark_delivered(ids[0], attempt=1, at=at(1))  # type: ignore[arg-type]
        uow.city_outbox.mark_gave_up(ids[1], attempt=1, at=at(1), error="HTTP 400: bad")  # type: ignore[arg-type]
    with store.read_only() as uow:
        assert {s: uow.city_outbox.count(state=s) for s in OutboxState} == {
            OutboxState.PENDING: 1, OutboxState.DELIVERED: 1, OutboxState.FAILED: 1}
        assert uow.city_outbox.count() == 3
        assert [m.id for m in uow.city_outbox.list()] == ids[::-1]
        assert [m.id for m in uow.city_outbox.list(state=OutboxState.FAILED)] == [ids[1]]
        assert [m.id for m in uow.city_outbox.list(limit=1, offset=1)] == [ids[1]]
    with store.unit_of_work() as uow:
        assert uow.city_outbox.retry_failed(ids[0], at=at(5)) is None  # type: ignore[arg-type]
        assert uow.city_outbox.retry_failed(ids[2], at=at(5)) is None  # type: ignore[arg-type]
        again = uow.city_outbox.retry_failed(ids[1], at=at(5))  # type: ignore[arg-type]
    assert again is not None and (again.state, again.attempts, again.next_attempt_at, again.last_error) == (
        OutboxState.PENDING, 0, at(5), "HTTP 400: bad")


def test_an_inbound_message_is_recorded_once_with_its_answer(store: Store) -> None:
    case_id = _case(store)
    message = InboundMessage(message_id="city-42", received_at=at(1), kind=InboundKind.HANDDOWN,
                             payload={"title": "占道经营"}, result={}, city_ref="SZ-2024-7")
    with store.unit_of_work() as uow:
        assert uow.city_inbound.record(message)
        assert not uow.city_inbound.record(dataclasses.replace(message, kind=InboundKind.STATUS))
        uow.city_inbound.set_result("city-42", result={"outcome": "opened", "case_id": case_id}, case_id=case_id)
    with store.read_only() as uow:
        got = uow.city_inbound.get("city-42")
        assert uow.city_inbound.get("city-43") is None
    assert got == dataclasses.replace(message, result={"outcome": "opened", "case_id": case_id}, case_id=case_id)


def test_two_workers_claiming_at_once_take_different_messages_without_waiting(store: Store) -> None:
    if store.name == "sqlite":
        pytest.skip("SQLite has one writer: a second claim waits for the first to commit, then sees its lease")
    case_id = _case(store)
    with store.unit_of_work() as uow:
        ids = [uow.city_outbox.add(_message(case_id, f"k-{i}")).id for i in range(2)]
    theirs: list[OutboxMessage] = []

    def second_worker() -> None:
        with store.unit_of_work() as uow:
            theirs.extend(uow.city_outbox.claim_due(now=at(1), lease_until=at(10), limit=5))

    with store.unit_of_work() as first:
        mine = first.city_outbox.claim_due(now=at(1), lease_until=at(10), limit=1)
        # The first claim has not committed: its row is locked, so the second passes it over instead of waiting.
        worker = threading.Thread(target=second_worker)
        worker.start()
        worker.join(timeout=30)  # only a failure waits this long: a claim that queues on the first one's lock
        blocked = worker.is_alive()
    worker.join()
    assert not blocked, "the second claim waited for the first instead of skipping its locked row"
    assert [m.id for m in mine] == ids[:1] and [m.id for m in theirs] == ids[1:]
