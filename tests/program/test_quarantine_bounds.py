"""The quarantine is bounded: retention by last sighting, and a cap on distinct devices past which ids are only
dead-lettered (nothing lost, counted as quarantine_full)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from cases.locator import Locator
from gridwatch.metrics import in_flight
from gridwatch.pipeline import Pipeline
from gridwatch.retention import RetentionPolicy, prune
from iot.mqtt import InboundMessage
from iot.quarantine import Quarantine, sighting
from storage import Store

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TS_MS = int(NOW.timestamp() * 1000) - 60_000


def _message(device_id: str) -> InboundMessage:
    payload = json.dumps({"ts": TS_MS, "values": {"level_m": 1.2}}).encode()
    return InboundMessage(topic=f"gridwatch/sensors/{device_id}/readings", payload=payload, received_at=NOW)


def test_past_the_cap_new_ids_are_dead_lettered_and_counted_while_held_ones_still_count(store: Store) -> None:
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW, quarantine_max_entries=3)
    batch = [_message(f"FAKE-{i}") for i in range(5)] + [_message("FAKE-0")]
    pipeline.stats.add({"received": len(batch)})
    pipeline.handle(batch)
    stats = pipeline.stats.snapshot()
    with store.unit_of_work() as uow:
        held = {e.device_id: e.messages for e in uow.quarantine.list()}
        reasons = sorted(letter.reason for letter in uow.dead_letters.list())
    assert held == {"FAKE-0": 2, "FAKE-1": 1, "FAKE-2": 1}
    assert (stats["dead_letters"], stats["quarantine_full"], in_flight(stats)) == (6, 2, 0)
    full = [r for r in reasons if "quarantine full at 3 devices" in r]
    assert [r.split("unknown device ")[1].split(" ")[0] for r in full] == ["'FAKE-3'", "'FAKE-4'"]


def test_retention_drops_devices_not_heard_from_and_keeps_those_still_publishing(store: Store) -> None:
    old, still = NOW - timedelta(days=40), NOW - timedelta(days=1)
    with store.unit_of_work() as uow:
        uow.quarantine.record_many([
            sighting(device_id="GONE", topic="t", payload=b"{}", at=old),
            sighting(device_id="STILL", topic="t", payload=b"{}", at=old)])
        uow.quarantine.record_many([sighting(device_id="STILL", topic="t", payload=b"{}", at=still)])
    policy = RetentionPolicy(feed=timedelta(days=7), dead_letters=timedelta(days=90), readings=timedelta(days=365),
                             job_runs=timedelta(days=30), quarantine=timedelta(days=30), batch=1)
    deleted = prune(store, policy, now=NOW)
    with store.unit_of_work() as uow:
        assert [e.device_id for e in uow.quarantine.list()] == ["STILL"]
    assert deleted["quarantine"] == 1


class _CountingRepo:
    """A quarantine repository that counts how often the store is asked for the number of entries."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.counts = 0

    def count(self) -> int:
        self.counts += 1
        return self.inner.count()  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def test_a_flood_of_made_up_ids_costs_one_count_per_unit_of_work_not_one_per_message(store: Store) -> None:
    with store.unit_of_work() as uow:
        repo = _CountingRepo(uow.quarantine)
        quarantine = Quarantine(repo, max_entries=5)  # type: ignore[arg-type]
        kept = [quarantine.record(device_id=f"FAKE-{i}", topic="t", payload=b"{}", at=NOW) for i in range(50)]
        assert quarantine.record(device_id="FAKE-0", topic="t", payload=b"{}", at=NOW) is not None
        assert uow.quarantine.count() == 5
    assert sum(entry is not None for entry in kept) == 5
    assert repo.counts == 1
