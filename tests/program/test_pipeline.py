"""The pipeline on a real store: a bad message never costs a good one, and redeliveries count once."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from cases.locator import Locator
from gridwatch.pipeline import Pipeline
from gridwatch.towns import load_town
from iot.mqtt import InboundMessage
from storage import StorageError, Store
from town.generate import generate_town

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TS_MS = int(NOW.timestamp() * 1000) - 60_000


def _message(device_id: str, body: dict | bytes) -> InboundMessage:
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    return InboundMessage(topic=f"gridwatch/sensors/{device_id}/readings", payload=payload, received_at=NOW)


class FailingPipeline(Pipeline):
    """A pipeline whose store write fails for one device, as a broken row or constraint would."""

    poisoned = ""

    def _on_new_readings(self, uow, readings, devices, now, tally):  # type: ignore[no-untyped-def]
        if any(r.device_id == self.poisoned for r in readings):
            raise StorageError(f"simulated store failure for {self.poisoned}")
        super()._on_new_readings(uow, readings, devices, now, tally)


def _loaded(store: Store) -> list:
    town = generate_town(7)
    load_town(store, town)
    return [d for d in town.devices if d.kind == "noise"][:3]


def test_store_failure_mid_batch_dead_letters_only_the_culprit(store: Store) -> None:
    a, poisoned, b = _loaded(store)
    pipeline = FailingPipeline(store=store, locator=Locator(), clock=lambda: NOW)
    pipeline.poisoned = poisoned.id
    pipeline.handle([_message(a.id, {"ts": TS_MS, "values": {"db": 50}}),
                     _message(poisoned.id, {"ts": TS_MS, "values": {"db": 51}}),
                     _message(b.id, {"ts": TS_MS, "values": {"db": 95}})])
    with store.unit_of_work() as uow:
        assert uow.readings.count() == 2
        [letter] = uow.dead_letters.list()
        assert uow.cases.count() == 1
    assert letter.reason.startswith("store error:") and poisoned.id in letter.topic
    stats = pipeline.stats.snapshot()
    assert (stats["readings"], stats["dead_letters"], stats["store_errors"], stats["cases"]) == (2, 1, 1, 1)


def test_redelivered_alarm_is_stored_once_and_opens_one_case(store: Store) -> None:
    device = _loaded(store)[0]
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW)
    alarm = _message(device.id, {"ts": TS_MS, "values": {"db": 95}})
    pipeline.handle([alarm])
    pipeline.handle([alarm])
    with store.unit_of_work() as uow:
        assert uow.readings.count() == 1 and uow.alerts.count() == 1 and uow.cases.count() == 1
    assert pipeline.stats.snapshot()["duplicates"] == 1


def test_bad_payloads_between_good_ones_are_dead_lettered_with_raw_bytes(store: Store) -> None:
    device = _loaded(store)[0]
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW)
    pipeline.handle([_message(device.id, {"ts": TS_MS, "values": {"db": 50}}),
                     _message(device.id, b"\xff\x00 garbage"),
                     _message(device.id, {"ts": TS_MS + 1, "values": {"db": 52}})])
    with store.unit_of_work() as uow:
        assert uow.readings.count() == 2
        [letter] = uow.dead_letters.list()
    assert letter.payload == b"\xff\x00 garbage" and "not UTF-8" in letter.reason
