"""The ingest worker acks only what was stored, holds its batch while the store is down, and resumes by itself."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from gridwatch.ingest import Backoff, IngestWorker
from gridwatch.metrics import in_flight
from gridwatch.pipeline import IngestStats
from iot.inbound import InboundMessage
from storage import StorageError, StoreUnavailable

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def _message(mid: int) -> InboundMessage:
    return InboundMessage(topic=f"gridwatch/sensors/d{mid}/readings", payload=b"{}", received_at=NOW, mid=mid, qos=1)


class FakeInbound:
    """An Inbound holding a list of messages; it records what was taken and what acked."""

    def __init__(self, count: int) -> None:
        self.waiting = [_message(mid) for mid in range(1, count + 1)]
        self.taken: list[int] = []
        self.acked: list[int] = []
        connected = True
        self.connected = connected
        self.inbox_peak = 0
        self.inbox_size = 0

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def next_batch(self, max_messages: int, wait_s: float) -> list[InboundMessage]:
        batch, self.waiting = self.waiting[:max_messages], self.waiting[max_messages:]
        self.taken += [m.mid for m in batch]
        return batch

    def ack(self, messages: Sequence[InboundMessage]) -> None:
        self.acked += [m.mid for m in messages]


class ScriptedPipeline:
    """A pipeline that fails as told for its first calls, then stores each message as a reading."""

    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.stats = IngestStats()
        self.calls: list[list[int]] = []

    def handle(self, messages: Sequence[InboundMessage]) -> None:
        self.calls.append([m.mid for m in messages])
        if self.failures:
            raise self.failures.pop(0)
        self.stats.add({"readings": len(messages)})


def _worker(inbound: FakeInbound, pipeline: ScriptedPipeline, waits: list[float]) -> IngestWorker:
    return IngestWorker(subscriber=inbound, pipeline=pipeline, batch_size=3,  # type: ignore[arg-type]
                        wait=waits.append, backoff=Backoff(start_s=0.2, cap_s=1.0))


def test_a_store_outage_holds_the_same_batch_unacked_and_takes_nothing_new(caplog: pytest.LogCaptureFixture) -> None:
    inbound = FakeInbound(6)
    pipeline = ScriptedPipeline([StoreUnavailable("db down")] * 5)
    waits: list[float] = []
    worker = _worker(inbound, pipeline, waits)
    with caplog.at_level(logging.WARNING, logger="gridwatch.ingest"):
        for _ in range(5):
            assert worker.step() is False
            assert worker.paused and not worker.store_up
            assert inbound.acked == [] and inbound.taken == [1, 2, 3]
        assert worker.step() is True
    assert pipeline.calls == [[1, 2, 3]] * 6
    assert waits == [0.2, 0.4, 0.8, 1.0, 1.0]
    assert inbound.acked == [1, 2, 3] and not worker.paused
    stats = pipeline.stats.snapshot()
    assert (stats["received"], stats["store_pauses"], stats["paused"], in_flight(stats)) == (3, 1, 0, 0)
    # One line when it stops, one when it resumes; no traceback per retry.
    lines = [r for r in caplog.records if r.name == "gridwatch.ingest"]
    assert [r.getMessage().split(" ")[0:2] for r in lines] == [["store", "unavailable"], ["store", "answers"]]
    assert all(r.exc_info is None for r in lines)
    # After resuming, the backoff starts short again and the next batch flows.
    assert worker.step() is True and inbound.acked == [1, 2, 3, 4, 5, 6]


def test_while_paused_the_in_flight_count_holds_the_batch() -> None:
    inbound = FakeInbound(3)
    pipeline = ScriptedPipeline([StoreUnavailable("db down")])
    worker = _worker(inbound, pipeline, [])
    worker.step()
    stats = pipeline.stats.snapshot()
    assert (stats["received"], in_flight(stats), stats["paused"]) == (3, 3, 1)


def test_another_failure_leaves_the_batch_unacked_and_backs_off_instead_of_spinning() -> None:
    inbound = FakeInbound(6)
    pipeline = ScriptedPipeline([StorageError("constraint"), RuntimeError("bug")])
    waits: list[float] = []
    worker = _worker(inbound, pipeline, waits)
    assert worker.step() is False and worker.step() is False
    assert waits == [0.2, 0.4]
    assert inbound.acked == [] and not worker.paused
    # The broker redelivers those after a reconnect; the worker goes on with new messages.
    assert pipeline.calls == [[1, 2, 3], [4, 5, 6]]


def test_stop_during_an_outage_acks_nothing() -> None:
    inbound = FakeInbound(3)
    pipeline = ScriptedPipeline([StoreUnavailable("db down")] * 1000)
    worker = IngestWorker(subscriber=inbound, pipeline=pipeline, batch_size=3, poll_s=0.01)  # type: ignore[arg-type]
    worker.start()
    deadline = time.monotonic() + 10
    while not worker.paused and time.monotonic() < deadline:
        time.sleep(0.005)
    worker.stop(timeout_s=5)
    assert worker.paused and inbound.acked == []



class FlakyAckInbound(FakeInbound):
    """An Inbound whose first ack fails, as a socket going away between commit and PUBACK would."""

    failed = False

    def ack(self, messages: Sequence[InboundMessage]) -> None:
        if not self.failed:
            self.failed = True
            raise OSError("socket closed")
        super().ack(messages)


def test_a_failing_ack_costs_a_redelivery_not_the_worker() -> None:
    inbound = FlakyAckInbound(6)
    pipeline = ScriptedPipeline([])
    worker = _worker(inbound, pipeline, [])
    # Stored, but the PUBACKs never left: the broker sends them again later and they count as duplicates.
    assert worker.step() is True and worker.step() is True
    assert pipeline.calls == [[1, 2, 3], [4, 5, 6]] and inbound.acked == [4, 5, 6]
