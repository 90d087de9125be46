"""The simulated town: believable readings, an alarm every 15 to 20 seconds, team phones that move, real MQTT."""

from __future__ import annotations

import queue
import random
import time
import uuid
from datetime import UTC, datetime

import pytest

from gis.geometry import haversine_m, offset_lon_lat
from gridwatch.broker import EmbeddedBroker
from gridwatch.simulate import WANDER_RADIUS_M, TownSimulator, reading_for
from iot.models import DEFAULT_THRESHOLDS, Device, SensorKind
from iot.mqtt import MqttPublisher, MqttSubscriber
from iot.payloads import parse_position, parse_reading
from iot.topics import SUBSCRIPTIONS, TopicKind, parse_topic
from tests.factories import LAT, LON, make_device, make_team

# What a quiet day reads, per metric (the brief of the simulator).
REALISTIC = {"pm25": (20, 80), "level_m": (1.0, 2.5), "obscuration_pct": (0.0, 0.5), "db": (45, 65),
             "temp_c": (2, 6), "pressed": (0, 0)}
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
T0_S = NOW.timestamp()


class RecordingPublisher:
    """Keeps what was published, for tests without a broker."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, bytes]] = []

    def publish(self, topic: str, payload: bytes, *, qos: int = 1) -> None:
        assert qos == 1
        self.messages.append((topic, payload))


def one_of_each_kind() -> list[Device]:
    return [make_device(f"{kind.value}-{n}", kind=kind) for kind in SensorKind for n in range(5)]


def over_limits(device: Device, values: dict[str, float]) -> list[str]:
    return [t.metric for t in DEFAULT_THRESHOLDS[device.kind] if values.get(t.metric, 0.0) > t.limit]


def test_normal_readings_are_realistic_and_under_every_threshold() -> None:
    rng = random.Random(1)
    for device in one_of_each_kind():
        for _ in range(200):
            values = reading_for(device, rng, alarm=False)
            assert {t.metric for t in DEFAULT_THRESHOLDS[device.kind]} <= values.keys()
            assert over_limits(device, values) == []
            for metric, value in values.items():
                if metric in REALISTIC:
                    low, high = REALISTIC[metric]
                    assert low <= value <= high, (device.id, metric, value)
            if device.kind is SensorKind.AIR_QUALITY:
                assert values["pm25"] <= values["pm10"] < 250


def test_alarm_readings_are_well_over_exactly_one_threshold() -> None:
    rng = random.Random(2)
    limits = {(kind, t.metric): t.limit for kind, ts in DEFAULT_THRESHOLDS.items() for t in ts}
    for device in one_of_each_kind():
        for _ in range(100):
            values = reading_for(device, rng, alarm=True)
            (metric,) = over_limits(device, values)
            limit = limits[(device.kind, metric)]
            assert values[metric] >= limit * 1.05


class SteppingClock:
    """A clock the test moves: each tick of the simulator is one interval later."""

    def __init__(self) -> None:
        self.now = T0_S

    def __call__(self) -> float:
        return self.now


def alarm_times(simulator: TownSimulator, clock: SteppingClock, seconds: float, *,
                late_every: int = 0) -> list[float]:
    """Tick for `seconds` of clock time; return the seconds since the first tick at which alarms came."""
    times = []
    while clock.now - T0_S < seconds:
        before = simulator.alarms
        simulator.tick()
        times += [clock.now - T0_S] * (simulator.alarms - before)
        # A late tick (a slow broker) skips ahead, as the run loop does.
        late = late_every and simulator.ticks % late_every == 0
        clock.now += simulator.interval_s * (2.5 if late else 1.0)
    return times


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("interval_s, late_every", [(1.0, 0), (0.7, 0), (1.0, 7), (3.0, 0)])
def test_alarms_come_steadily_every_15_to_20_seconds_the_first_about_ten_seconds_in(
        seed: int, interval_s: float, late_every: int) -> None:
    devices = [make_device(f"d{n:03d}", kind=list(SensorKind)[n % len(SensorKind)]) for n in range(92)]
    clock = SteppingClock()
    simulator = TownSimulator(RecordingPublisher(), devices, [], seed=seed, interval_s=interval_s, clock=clock)
    times = alarm_times(simulator, clock, 600.0, late_every=late_every)
    assert 10.0 <= times[0] <= 10.0 + 2.5 * interval_s
    gaps = [b - a for a, b in zip(times, times[1:])]
    # A late tick can only delay an alarm, by as much as it was late; alarms never bunch up.
    lateness = 1.5 * interval_s if late_every else 0.0
    assert gaps and all(15.0 <= gap <= 20.0 + lateness for gap in gaps), gaps
    assert len(times) >= 1 + (600 - 10 - 2.5 * interval_s) // 20


def test_alarms_take_turns_so_each_lands_on_a_sensor_without_an_open_alert() -> None:
    devices = [make_device(f"d{n:02d}") for n in range(20)]
    publisher = RecordingPublisher()
    clock = SteppingClock()
    simulator = TownSimulator(publisher, devices, [], seed=1, clock=clock)
    alarm_times(simulator, clock, 20 * 20.0 + 10)
    alarmed = []
    for topic, payload in publisher.messages:
        _kind, ident = parse_topic(topic)
        reading = parse_reading(topic, payload, device=make_device(ident), now=NOW)
        if over_limits(make_device(ident), reading.values):
            alarmed.append(ident)
    assert len(alarmed) >= 20
    assert sorted(alarmed[:20]) == [d.id for d in devices], "every sensor alarms once before any twice"


def test_no_alarm_at_all_when_alarms_are_off() -> None:
    clock = SteppingClock()
    simulator = TownSimulator(RecordingPublisher(), one_of_each_kind(), [], alarm_every_s=None, clock=clock)
    assert alarm_times(simulator, clock, 120.0) == []


def _positions(publisher: RecordingPublisher, team_id: str) -> list[tuple[float, float]]:
    found = []
    for topic, payload in publisher.messages:
        kind, ident = parse_topic(topic)
        if kind is TopicKind.POSITION and ident == team_id:
            position = parse_position(topic, payload, team_id=ident, now=NOW)
            found.append((position.lon, position.lat))
    return found


def test_busy_team_drives_to_its_case_and_available_team_wanders_near_home() -> None:
    case_at = offset_lon_lat(LON, LAT, 60.0, 1500.0)
    driver, walker = make_team("gov-1"), make_team("gov-2")
    publisher = RecordingPublisher()
    simulator = TownSimulator(publisher, [], [driver, walker], seed=3, clock=lambda: T0_S,
                              assignments=lambda: {"gov-1": case_at})
    for _ in range(240):
        simulator.tick()
    drove, wandered = _positions(publisher, "gov-1"), _positions(publisher, "gov-2")
    assert len(drove) == len(wandered) == 240
    # About 10 m/s: 1.5 km takes two to three minutes, and the team then stays at the case.
    assert haversine_m(*drove[59], *case_at) > 500
    assert haversine_m(*drove[-1], *case_at) < 25
    steps = [haversine_m(*a, *b) for a, b in zip(wandered, wandered[1:])]
    assert max(steps) < 3.0 + 4 * 2.0 * 2  # walking pace plus GPS noise on both fixes
    assert all(haversine_m(*p, LON, LAT) < WANDER_RADIUS_M + 50 for p in wandered)


def test_phones_report_gcj02_that_parses_back_near_the_team() -> None:
    publisher = RecordingPublisher()
    simulator = TownSimulator(publisher, [], [make_team("gov-1")], clock=lambda: T0_S)
    simulator.tick()
    [(_topic, payload)] = publisher.messages
    assert b'"crs":"gcj02"' in payload
    lon, lat = _positions(publisher, "gov-1")[0]
    assert haversine_m(lon, lat, LON, LAT) < 20


def test_short_run_publishes_parseable_messages_on_contract_topics_through_the_broker() -> None:
    devices = [make_device("aq-1"), make_device("wl-1", kind=SensorKind.WATER_LEVEL),
               make_device("cb-1", kind=SensorKind.CARE_BUTTON)]
    teams = [make_team("gov-1"), make_team("mkt-1")]
    by_id = {d.id: d for d in devices}
    received = []
    with EmbeddedBroker() as broker:
        subscriber = MqttSubscriber(broker.url, client_id=f"test-sub-{uuid.uuid4().hex[:8]}", topics=SUBSCRIPTIONS,
                                    protocol="3.1.1")
        publisher = MqttPublisher(broker.url, client_id=f"test-sim-{uuid.uuid4().hex[:8]}")
        subscriber.start(wait_s=5)
        publisher.start(wait_s=5)
        simulator = TownSimulator(publisher, devices, teams, seed=4, interval_s=0.1)
        try:
            simulator.start()
            time.sleep(0.55)
            started = time.monotonic()
            simulator.stop()
            assert time.monotonic() - started < 2.0
            assert not simulator.running
            deadline = time.monotonic() + 5
            while len(received) < simulator.published and time.monotonic() < deadline:
                try:
                    message = subscriber.inbox.get(timeout=0.2)
                except queue.Empty:
                    continue
                subscriber.ack([message])
                received.append(message)
        finally:
            publisher.stop()
            subscriber.stop()
    assert simulator.ticks >= 3
    assert simulator.published == simulator.ticks * (len(devices) + len(teams))
    assert len(received) == simulator.published
    assert {m.topic for m in received} == {f"gridwatch/sensors/{d.id}/readings" for d in devices} | {
        f"gridwatch/teams/{t.id}/position" for t in teams}
    now = datetime.now(UTC)
    for message in received:
        kind, ident = parse_topic(message.topic)
        if kind is TopicKind.READING:
            reading = parse_reading(message.topic, message.payload, device=by_id[ident], now=now)
            assert abs((now - reading.ts).total_seconds()) < 30
        else:
            position = parse_position(message.topic, message.payload, team_id=ident, now=now)
            assert haversine_m(position.lon, position.lat, LON, LAT) < 100
