"""The batched pipeline on both backends: bulk writes, duplicates, parse errors without fallbacks, culprits found."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from cases.locator import Locator
from gridwatch.pipeline import ParseErrorLog, Pipeline
from iot.models import Device, SensorKind
from iot.mqtt import InboundMessage
from storage import StorageError, Store, StoreUnavailable
from tests.factories import handle_as_worker
from tests.unit.hostile import HOSTILE_READINGS

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TS_MS = int(NOW.timestamp() * 1000) - 600_000


def _devices(store: Store, count: int = 5) -> list[Device]:
    devices = [Device(f"N-{i:03d}", SensorKind.NOISE, f"noise {i}", 120.0 + i / 1000, 32.3) for i in range(count)]
    with store.unit_of_work() as uow:
        uow.devices.upsert_many(devices)
    return devices


def _reading(device_id: str, ms: int, db: float = 50.0) -> InboundMessage:
    payload = json.dumps({"ts": TS_MS + ms, "values": {"db": db}}).encode()
    return InboundMessage(topic=f"gridwatch/sensors/{device_id}/readings", payload=payload, received_at=NOW)



def _balanced(stats: dict[str, int]) -> bool:
    return stats["received"] == stats["readings"] + stats["positions"] + stats["duplicates"] + stats["dead_letters"]


def test_a_batch_is_stored_in_bulk_and_redelivery_counts_as_duplicates(store: Store) -> None:
    devices = _devices(store)
    batch = [_reading(d.id, ms) for ms in range(40) for d in devices]
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW)
    handle_as_worker(pipeline, batch)
    handle_as_worker(pipeline, batch[:50] + [_reading(devices[0].id, 10_000)])
    stats = pipeline.stats.snapshot()
    with store.unit_of_work() as uow:
        assert uow.readings.count() == 201
    assert (stats["readings"], stats["duplicates"], stats["fallbacks"], stats["dead_letters"]) == (201, 50, 0, 0)
    assert _balanced(stats)


def test_hostile_payloads_are_parse_errors_in_the_same_transaction_without_fallback(store: Store) -> None:
    [device] = _devices(store, 1)
    hostile = [InboundMessage(topic=f"gridwatch/sensors/{device.id}/readings", payload=p, received_at=NOW)
               for p, _ in HOSTILE_READINGS]
    good = [_reading(device.id, ms) for ms in range(len(hostile))]
    batch = [m for pair in zip(good, hostile, strict=True) for m in pair]
    batch.append(_reading("NOBODY", 1))
    batch.append(InboundMessage(topic="gridwatch/sensors/bad id!/readings", payload=b"{}", received_at=NOW))
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW, dead_letter_prefix_bytes=64)
    handle_as_worker(pipeline, batch)
    stats = pipeline.stats.snapshot()
    with store.unit_of_work() as uow:
        letters = uow.dead_letters.list(limit=1000)
        assert uow.readings.count() == len(good)
    assert (stats["fallbacks"], stats["store_errors"], stats["parse_errors"]) == (0, 0, len(hostile) + 1)
    assert stats["dead_letters"] == len(hostile) + 2 and _balanced(stats)
    by_payload = {letter.sha256: letter for letter in letters}
    for message, (_, fragment) in zip(hostile, HOSTILE_READINGS, strict=True):
        assert fragment in next(x for x in letters if x.size == len(message.payload)
                                and x.payload == message.payload[:64]).reason
    assert all(len(letter.payload) <= 64 for letter in letters) and len(by_payload) >= len(hostile) - 3
    assert any("unknown device 'NOBODY'" in letter.reason for letter in letters)


class PoisonedPipeline(Pipeline):
    """A pipeline whose alert step fails for one device, as a broken row or a constraint would."""

    poisoned = ""
    failure: type[Exception] = StorageError

    def _on_new_readings(self, uow, readings, devices, now, tally):  # type: ignore[no-untyped-def]
        if any(r.device_id == self.poisoned for r in readings):
            raise self.failure(f"simulated store failure for {self.poisoned}")
        super()._on_new_readings(uow, readings, devices, now, tally)


def test_store_failure_dead_letters_only_the_culprit_by_halving(store: Store) -> None:
    devices = _devices(store, 8)
    pipeline = PoisonedPipeline(store=store, locator=Locator(), clock=lambda: NOW)
    pipeline.poisoned = devices[5].id
    handle_as_worker(pipeline, [_reading(d.id, ms) for ms in range(8) for d in devices])
    stats = pipeline.stats.snapshot()
    with store.unit_of_work() as uow:
        assert uow.readings.count() == 56
        letters = uow.dead_letters.list()
    assert len(letters) == 8 and all(letter.reason.startswith("store error: StorageError: simulated") for letter in letters)
    assert (stats["fallbacks"], stats["store_errors"], stats["readings"]) == (1, 8, 56) and _balanced(stats)


def test_store_unavailable_propagates_and_counts_nothing(store: Store) -> None:
    devices = _devices(store, 2)
    pipeline = PoisonedPipeline(store=store, locator=Locator(), clock=lambda: NOW)
    pipeline.poisoned, pipeline.failure = devices[1].id, StoreUnavailable
    with pytest.raises(StoreUnavailable):
        pipeline.handle([_reading(devices[0].id, 0), _reading(devices[1].id, 0)])
    assert all(value == 0 for value in pipeline.stats.snapshot().values())
    with store.unit_of_work() as uow:
        assert uow.readings.count() == 0 and uow.dead_letters.count() == 0


def test_a_device_provisioned_between_batches_is_known_to_the_next_batch(store: Store) -> None:
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW)
    handle_as_worker(pipeline, [_reading("N-000", 0)])
    _devices(store, 1)
    handle_as_worker(pipeline, [_reading("N-000", 1)])
    stats = pipeline.stats.snapshot()
    assert (stats["dead_letters"], stats["readings"]) == (1, 1)


def test_only_new_readings_raise_alerts(store: Store) -> None:
    [device] = _devices(store, 1)
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW)
    alarm = _reading(device.id, 0, db=99.0)
    handle_as_worker(pipeline, [alarm, alarm])
    handle_as_worker(pipeline, [alarm])
    stats = pipeline.stats.snapshot()
    with store.unit_of_work() as uow:
        assert uow.alerts.count() == 1
    assert (stats["readings"], stats["duplicates"], stats["alerts"]) == (1, 2, 1)


def test_parse_errors_are_summarised_once_per_interval_not_logged_each(store: Store,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    [device] = _devices(store, 1)
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW)
    clock = [0.0]
    pipeline.parse_log = ParseErrorLog(interval_s=60, monotonic=lambda: clock[0])
    garbage = [InboundMessage(topic=f"gridwatch/sensors/{device.id}/readings", payload=b"{", received_at=NOW)] * 50
    with caplog.at_level(logging.DEBUG, logger="gridwatch.pipeline"):
        handle_as_worker(pipeline, garbage)
        handle_as_worker(pipeline, garbage)
        clock[0] = 61.0
        handle_as_worker(pipeline, garbage)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert lines[0].startswith("50 messages refused by the parser") and lines[1].startswith("100 messages refused")
    assert len(lines) == 2 and not any(r.exc_info for r in caplog.records)
    assert pipeline.stats.snapshot()["parse_errors"] == 150
