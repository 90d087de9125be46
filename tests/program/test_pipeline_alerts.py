"""Alerts through the ingest path on a real store: repeats fold, escalate, keep the worst value; limits are exact."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime

import pytest

from alerts.models import Severity
from cases.locator import Locator
from gridwatch.pipeline import Pipeline
from gridwatch.towns import load_town
from iot.models import DEFAULT_THRESHOLDS, Device, SensorKind
from iot.mqtt import InboundMessage
from storage import Store
from town.generate import generate_town

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TS_MS = int(NOW.timestamp() * 1000) - 60_000
[NOISE] = DEFAULT_THRESHOLDS[SensorKind.NOISE]


_town = functools.cache(generate_town)


def _noise_sensor(store: Store) -> Device:
    town = _town(7)
    load_town(store, town)
    return next(d for d in town.devices if d.kind == SensorKind.NOISE)


def _reading(device: Device, seconds: int, db: float) -> InboundMessage:
    payload = json.dumps({"ts": TS_MS + seconds * 1000, "values": {NOISE.metric: db}}).encode()
    return InboundMessage(topic=f"gridwatch/sensors/{device.id}/readings", payload=payload, received_at=NOW)


def test_repeated_alarm_escalates_to_critical_and_keeps_the_worst_value_in_one_alert_and_case(store: Store) -> None:
    device = _noise_sensor(store)
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW)
    # One batch per reading, and then two in one batch: folding must hold across and within transactions.
    pipeline.handle([_reading(device, 0, 80.0)])
    with store.unit_of_work() as uow:
        [first] = uow.alerts.list()
    pipeline.handle([_reading(device, 1, 120.0)])
    pipeline.handle([_reading(device, 2, 90.0), _reading(device, 3, 85.0)])
    with store.unit_of_work() as uow:
        [alert] = uow.alerts.list()
        assert uow.cases.count() == 1
    assert first.severity is Severity.WARNING and first.value == 80.0
    assert (alert.id, alert.severity, alert.value, alert.occurrences) == (first.id, Severity.CRITICAL, 85.0, 4)
    assert (alert.first_value, alert.worst_value) == (80.0, 120.0)
    assert alert.case_id is not None


@pytest.mark.parametrize(("db", "severity"), [
    (NOISE.limit, None),
    (NOISE.limit + 0.1, Severity.WARNING),
    (NOISE.limit * 1.5 - 0.1, Severity.WARNING),
    (NOISE.limit * 1.5, Severity.CRITICAL),
])
def test_readings_at_the_limits_raise_what_the_rule_says(store: Store, db: float, severity: Severity | None) -> None:
    device = _noise_sensor(store)
    Pipeline(store=store, locator=Locator(), clock=lambda: NOW).handle([_reading(device, 0, db)])
    with store.unit_of_work() as uow:
        alerts = uow.alerts.list()
    assert [a.severity for a in alerts] == ([] if severity is None else [severity])
