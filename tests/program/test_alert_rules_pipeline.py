"""Alert rules through the real ingest and store: a flapping sensor, a restart, a silent device on the clock."""

from __future__ import annotations

import functools
import json
import math
from datetime import UTC, datetime, timedelta

import pytest

from alerts.models import AlertStatus
from alerts.rule_service import load_engine
from cases.locator import Locator
from gridwatch.alerting import check_alert_clock
from gridwatch.pipeline import Pipeline
from gridwatch.towns import load_town
from iot.models import Device, SensorKind
from iot.mqtt import InboundMessage
from storage import Store
from town.generate import generate_town

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
_town = functools.cache(generate_town)


class Clock:
    """The ingest's clock, moved by the test."""

    def __init__(self, at: datetime = T0) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _noise_sensor(store: Store) -> Device:
    town = _town(7)
    load_town(store, town)
    return next(d for d in town.devices if d.kind == SensorKind.NOISE)


def _message(device: Device, at: datetime, db: float) -> InboundMessage:
    payload = json.dumps({"ts": int(at.timestamp() * 1000), "values": {"db": round(db, 2)}}).encode()
    return InboundMessage(topic=f"gridwatch/sensors/{device.id}/readings", payload=payload, received_at=at)


def _alerts(store: Store, device: Device) -> list:
    with store.unit_of_work() as uow:
        return [a for a in uow.alerts.list(limit=1000) if a.device_id == device.id]


def test_a_flapping_sensor_over_ten_minutes_makes_one_alert_and_at_most_one_case(store: Store) -> None:
    device = _noise_sensor(store)
    clock = Clock()
    pipeline = Pipeline(store=store, locator=Locator(), clock=clock)
    # Ten minutes at one reading every 5 s swinging 72..78 dB across the 75 dB limit (period 4 minutes: each dip
    # lasts two minutes, longer than the clear delay), then quiet at 60 dB: hysteresis keeps one alert.
    for step in range(120):
        clock.at = T0 + timedelta(seconds=5 * step)
        db = 75 + 3 * math.sin(2 * math.pi * step * 5 / 240) if step < 100 else 60.0
        pipeline.handle([_message(device, clock.at, db)])
    alerts = _alerts(store, device)
    with store.unit_of_work() as uow:
        cases = uow.cases.count()
    assert len(alerts) == 1, [(a.raised_at, a.status) for a in alerts]
    assert cases <= 1
    assert alerts[0].status is AlertStatus.CLEARED  # quiet for longer than the clear delay: cleared


def test_rule_state_survives_a_restart_of_the_ingest(store: Store) -> None:
    device = _noise_sensor(store)
    clock = Clock()
    Pipeline(store=store, locator=Locator(), clock=clock).handle([_message(device, T0, 80)])
    # A new process: its engine comes from the store and knows the alert is raised.
    restarted = Pipeline(store=store, locator=Locator(), clock=clock)
    clock.at = T0 + timedelta(seconds=10)
    restarted.handle([_message(device, clock.at, 82)])
    [alert] = _alerts(store, device)
    assert alert.status is AlertStatus.RAISED and alert.occurrences == 2
    for seconds in (20, 90):
        clock.at = T0 + timedelta(seconds=seconds)
        Pipeline(store=store, locator=Locator(), clock=clock).handle([_message(device, clock.at, 60)])
    [alert] = _alerts(store, device)
    assert alert.status is AlertStatus.CLEARED  # the clear began before a restart and ended after another


def test_a_rolled_back_batch_leaves_the_engine_and_the_store_where_they_were(store: Store) -> None:
    device = _noise_sensor(store)
    pipeline = Pipeline(store=store, locator=Locator(), clock=Clock())
    pipeline.handle([])  # loads the engine
    engine = pipeline.rules
    assert engine is not None
    evaluation = engine.evaluate([], {}, T0)
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        from gridwatch.alerting import evaluate_and_signal
        from iot.models import Reading

        reading = Reading(device_id=device.id, ts=T0, values={"db": 90.0}, lon=device.lon, lat=device.lat)
        evaluation, _ = evaluate_and_signal(uow, engine, pipeline.locator, [reading], {device.id: device}, T0)
        raise RuntimeError("the batch failed after evaluating")
    assert evaluation.changed and engine.states() == {}
    with store.unit_of_work() as uow:
        assert uow.rule_states.all() == {}
        assert load_engine(rules=uow.alert_rules, states=uow.rule_states, at=T0).states() == {}


def test_a_silent_device_raises_on_the_clock_and_clears_when_it_reports_again(store: Store) -> None:
    device = _noise_sensor(store)
    clock = Clock()
    locator = Locator()
    pipeline = Pipeline(store=store, locator=locator, clock=clock)
    pipeline.handle([_message(device, T0, 60)])
    # The default noise rule: silent after 5 intervals of 60 s.
    assert check_alert_clock(store, locator, T0 + timedelta(seconds=300)).startswith("0 raised")
    assert check_alert_clock(store, locator, T0 + timedelta(seconds=301)).startswith("1 raised")
    [alert] = _alerts(store, device)
    assert (alert.status, alert.metric) == (AlertStatus.RAISED, "silent_s")
    assert check_alert_clock(store, locator, T0 + timedelta(seconds=400)).startswith("0 raised, 1 still silent")
    clock.at = T0 + timedelta(seconds=420)
    pipeline.handle([_message(device, clock.at, 60)])
    assert "1 cleared" in check_alert_clock(store, locator, T0 + timedelta(seconds=430))
    [alert] = _alerts(store, device)
    assert alert.status is AlertStatus.CLEARED


def test_two_ingest_workers_sharing_a_device_follow_each_others_rule_state(store: Store) -> None:
    device = _noise_sensor(store)
    clock = Clock()
    first, second = (Pipeline(store=store, locator=Locator(), clock=clock) for _ in range(2))
    first.handle([_message(device, T0, 80)])
    # A shared subscription hands the device's next readings to the other worker, then back.
    clock.at = T0 + timedelta(seconds=10)
    second.handle([_message(device, clock.at, 60)])  # the clear begins in the second worker
    clock.at = T0 + timedelta(seconds=75)
    first.handle([_message(device, clock.at, 60)])  # 65 s later the first must know it began, and clear
    [alert] = _alerts(store, device)
    assert alert.status is AlertStatus.CLEARED and alert.occurrences == 1
