"""Unknown devices: their messages are quarantined and dead-lettered; once adopted, the next one is stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from cases.locator import Locator
from gridwatch.pipeline import Pipeline
from iot.kinds import default_catalogue
from iot.models import SensorKind
from iot.mqtt import InboundMessage
from iot.provisioning import device_or_error
from iot.quarantine import PAYLOAD_PREFIX_BYTES, adoption_draft
from storage import Store
from tests.factories import handle_as_worker, make_device

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TS_MS = int(NOW.timestamp() * 1000) - 60_000


def _message(device_id: str, body: dict | bytes) -> InboundMessage:
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    return InboundMessage(topic=f"gridwatch/sensors/{device_id}/readings", payload=payload, received_at=NOW)



def test_unknown_device_is_quarantined_and_dead_lettered_then_adopted_and_stored(store: Store) -> None:
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW)
    handle_as_worker(pipeline, [_message("WL-NEW", {"ts": TS_MS, "values": {"level_m": 1.2}, "lon": 120.1, "lat": 30.2,
                                           "crs": "gcj02"}),
                       _message("WL-NEW", {"ts": TS_MS + 1000, "values": {"level_m": 1.3}}),
                       _message("WL-NEW", b"not json at all" * 200)])
    stats = pipeline.stats.snapshot()
    assert (stats["received"], stats["readings"], stats["dead_letters"]) == (3, 0, 3)
    with store.read_only() as uow:
        entry = uow.quarantine.get("WL-NEW")
        letters = uow.dead_letters.list()
    assert entry is not None and entry.messages == 3
    assert (entry.lon, entry.lat, entry.crs) == (120.1, 30.2, "gcj02")  # the last message that carried a position
    assert len(entry.payload_prefix) == PAYLOAD_PREFIX_BYTES and entry.payload_prefix.startswith(b"not json")
    assert all("unknown device 'WL-NEW'" in d.reason for d in letters) and len(letters) == 3

    device = device_or_error(adoption_draft(entry, department="水利站"), catalogue=default_catalogue())
    assert device.kind is SensorKind.WATER_LEVEL  # suggested from the first message's metrics
    assert device.lon is not None and abs(device.lon - 120.1) > 1e-4  # GCJ-02 converted to WGS-84
    with store.unit_of_work() as uow:
        uow.devices.upsert_many([device])
        uow.quarantine.delete(device.id)

    handle_as_worker(pipeline, [_message("WL-NEW", {"ts": TS_MS + 2000, "values": {"level_m": 1.4}})])
    with store.read_only() as uow:
        assert uow.readings.count(device_id="WL-NEW") == 1
        assert uow.quarantine.get("WL-NEW") is None
    stats = pipeline.stats.snapshot()
    assert stats["received"] == stats["readings"] + stats["duplicates"] + stats["dead_letters"] == 4


def test_mobile_device_without_position_is_dead_lettered_not_a_store_error(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.devices.upsert_many([make_device("CC-TRUCK", kind=SensorKind.COLD_CHAIN, lon=None, lat=None, mobile=True)])
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW)
    pipeline.handle([_message("CC-TRUCK", {"ts": TS_MS, "values": {"temp_c": 4.0}}),
                     _message("CC-TRUCK", {"ts": TS_MS + 1, "values": {"temp_c": 4.1}, "lon": 120.0, "lat": 30.0})])
    stats = pipeline.stats.snapshot()
    assert (stats["readings"], stats["dead_letters"], stats["store_errors"]) == (1, 1, 0)
    with store.read_only() as uow:
        [letter] = uow.dead_letters.list()
        [reading] = uow.readings.list(device_id="CC-TRUCK")
    assert "lon" in letter.reason and (reading.lon, reading.lat) == (120.0, 30.0)
