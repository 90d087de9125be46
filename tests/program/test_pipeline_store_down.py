"""A store that is down is not a bad message: the pipeline raises StoreUnavailable and counts and stores nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from cases.locator import Locator
from gridwatch.pipeline import Pipeline
from gridwatch.towns import load_town
from iot.mqtt import InboundMessage
from storage import Store, StorageError, StoreUnavailable
from town.generate import generate_town

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
TS_MS = int(NOW.timestamp() * 1000)


class DownPipeline(Pipeline):
    """A pipeline whose store goes away at the n-th reading of a batch (and stays away for n_alone one-by-one)."""

    fail_at = ""
    error: type[StorageError] = StoreUnavailable

    def _on_new_readings(self, uow, readings, devices, now, tally):  # type: ignore[no-untyped-def]
        if any(reading.device_id == self.fail_at for reading in readings):
            raise self.error(f"simulated outage at {self.fail_at}")
        super()._on_new_readings(uow, readings, devices, now, tally)


def _message(device_id: str, db: float) -> InboundMessage:
    payload = json.dumps({"ts": TS_MS, "values": {"db": db}}).encode()
    return InboundMessage(topic=f"gridwatch/sensors/{device_id}/readings", payload=payload, received_at=NOW)


@pytest.mark.parametrize("position", [0, 1, 2])
def test_store_unavailable_mid_batch_is_raised_and_nothing_is_counted_or_dead_lettered(store: Store,
                                                                                       position: int) -> None:
    devices = [d for d in generate_town(7).devices if d.kind == "noise"][:3]
    load_town(store, generate_town(7))
    pipeline = DownPipeline(store=store, locator=Locator(), clock=lambda: NOW)
    pipeline.fail_at = devices[position].id
    with pytest.raises(StoreUnavailable):
        pipeline.handle([_message(d.id, 50) for d in devices])
    with store.unit_of_work() as uow:
        assert uow.dead_letters.count() == 0
        assert uow.readings.count() == 0
    assert {k: v for k, v in pipeline.stats.snapshot().items() if v} == {}
