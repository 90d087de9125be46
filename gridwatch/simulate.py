"""A simulated town for the demo: sensors publish readings and team phones publish positions over MQTT."""

from __future__ import annotations

import json
import logging
import math
import random
import threading
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from cases.models import Team
from gis.crs import Crs, from_wgs84
from gis.geometry import haversine_m, offset_lon_lat
from iot.models import Device, SensorKind
from iot.topics import QOS, sensor_topic, team_topic

logger = logging.getLogger(__name__)

# Normal ranges sit well under DEFAULT_THRESHOLDS: what a quiet day in a Chinese town reads.
_NORMAL: dict[SensorKind, dict[str, tuple[float, float]]] = {
    SensorKind.AIR_QUALITY: {"pm25": (20.0, 80.0)},
    SensorKind.WATER_LEVEL: {"level_m": (1.0, 2.5)},
    SensorKind.SMOKE: {"obscuration_pct": (0.0, 0.5)},
    SensorKind.NOISE: {"db": (45.0, 65.0)},
    SensorKind.COLD_CHAIN: {"temp_c": (2.0, 6.0)},
    SensorKind.CARE_BUTTON: {"pressed": (0.0, 0.0)},
}
# One metric per kind goes well over its limit in an alarm, so one incident makes one alert and one case.
_ALARM: dict[SensorKind, tuple[str, float, float]] = {
    SensorKind.AIR_QUALITY: ("pm25", 170.0, 210.0),
    SensorKind.WATER_LEVEL: ("level_m", 3.8, 4.4),
    SensorKind.SMOKE: ("obscuration_pct", 6.0, 15.0),
    SensorKind.NOISE: ("db", 80.0, 92.0),
    SensorKind.COLD_CHAIN: ("temp_c", 10.0, 14.0),
    SensorKind.CARE_BUTTON: ("pressed", 1.0, 1.0),
}
_DECIMALS = {"pm25": 1, "pm10": 1, "level_m": 2, "obscuration_pct": 2, "db": 1, "temp_c": 1, "pressed": 0}
# PM10 contains PM2.5; on a normal day PM2.5 is about 60 % of it, in a smoke episode nearly all of it. With PM2.5
# at most 210 in an alarm the PM10 stays under its 250 limit.
_PM_RATIO_NORMAL = (0.5, 0.7)
_PM_RATIO_ALARM = (0.85, 0.95)

WANDER_SPEED_MPS = (1.0, 3.0)
DRIVE_SPEED_MPS = (8.0, 12.0)
WANDER_RADIUS_M = 300.0
ARRIVED_M = 15.0
GPS_NOISE_M = 2.0
# A demo audience should see something happen soon after logging in, then steadily: the first alarm about ten
# seconds after the simulator starts, then one every 15 to 20 seconds, never a burst or a long silence.
FIRST_ALARM_S = 10.0
ALARM_EVERY_S = (15.0, 20.0)


class Publisher(Protocol):
    """What the simulator needs of an MQTT publisher (iot.mqtt.MqttPublisher fits)."""

    def publish(self, topic: str, payload: bytes, *, qos: int = 1) -> None:
        """Publish one message."""


def _device_level(device_id: str) -> float:
    # Each sensor keeps its own level in the normal band, stable across runs, instead of all reading the same.
    return 0.3 + 0.4 * (zlib.crc32(device_id.encode("utf-8")) / 0xFFFFFFFF)


def reading_for(device: Device, rng: random.Random, alarm: bool) -> dict[str, float]:
    """Return believable metric values for a device: all well under its limits, or one well over when alarm."""
    try:
        normal = _NORMAL[device.kind]
        alarm_metric, alarm_low, alarm_high = _ALARM[device.kind]
    except KeyError:
        raise ValueError(f"device {device.id!r}: no simulation for sensor kind {device.kind!r}") from None
    level = _device_level(device.id)
    values: dict[str, float] = {}
    for metric, (low, high) in normal.items():
        width = high - low
        values[metric] = min(high, max(low, low + width * level + rng.gauss(0.0, width * 0.08)))
    if alarm:
        values[alarm_metric] = rng.uniform(alarm_low, alarm_high)
    if device.kind is SensorKind.AIR_QUALITY:
        values["pm10"] = values["pm25"] / rng.uniform(*(_PM_RATIO_ALARM if alarm else _PM_RATIO_NORMAL))
    return {metric: round(value, _DECIMALS.get(metric, 2)) for metric, value in values.items()}


def _bearing_deg(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    # A flat approximation is exact enough across a town.
    east = (lon2 - lon1) * math.cos(math.radians(lat1))
    north = lat2 - lat1
    return math.degrees(math.atan2(east, north)) % 360.0


@dataclass(slots=True)
class _Walker:
    """A team's phone: where its team started (WGS-84), where it is and where it heads."""

    team_id: str
    home_lon: float
    home_lat: float
    lon: float
    lat: float
    heading: float

    def move(self, target: tuple[float, float] | None, dt_s: float, rng: random.Random) -> None:
        if target is not None:
            self._drive(target, dt_s, rng)
        else:
            self._wander(dt_s, rng)

    def _drive(self, target: tuple[float, float], dt_s: float, rng: random.Random) -> None:
        remaining = haversine_m(self.lon, self.lat, *target)
        if remaining <= ARRIVED_M:
            return
        self.heading = _bearing_deg(self.lon, self.lat, *target)
        step = min(remaining, rng.uniform(*DRIVE_SPEED_MPS) * dt_s)
        self.lon, self.lat = offset_lon_lat(self.lon, self.lat, self.heading, step)

    def _wander(self, dt_s: float, rng: random.Random) -> None:
        if haversine_m(self.lon, self.lat, self.home_lon, self.home_lat) > WANDER_RADIUS_M:
            # Back from a case, or strayed too far: drift home on foot.
            self.heading = _bearing_deg(self.lon, self.lat, self.home_lon, self.home_lat) + rng.gauss(0.0, 20.0)
        else:
            self.heading = (self.heading + rng.gauss(0.0, 25.0)) % 360.0
        step = rng.uniform(*WANDER_SPEED_MPS) * dt_s
        self.lon, self.lat = offset_lon_lat(self.lon, self.lat, self.heading, step)

    def reported(self, rng: random.Random) -> tuple[float, float]:
        """Return the GCJ-02 (lon, lat) the phone reports, with GPS noise."""
        lon, lat = offset_lon_lat(self.lon, self.lat, rng.uniform(0.0, 360.0), abs(rng.gauss(0.0, GPS_NOISE_M)))
        return from_wgs84(lon, lat, Crs.GCJ02)


def _walkers(teams: Sequence[Team], devices: Sequence[Device], rng: random.Random) -> list[_Walker]:
    # A mobile device may be registered without a position; it says nothing about where the town is.
    placed = [(d.lon, d.lat) for d in devices if d.lon is not None and d.lat is not None]
    if placed:
        centre = (sum(lon for lon, _ in placed) / len(placed), sum(lat for _, lat in placed) / len(placed))
    else:
        centre = None
    walkers = []
    for team in teams:
        home = team.position or centre
        if home is None:
            logger.warning("team %s has no position and the town has no sensors; its phone stays silent", team.id)
            continue
        walkers.append(_Walker(team.id, home[0], home[1], home[0], home[1], rng.uniform(0.0, 360.0)))
    return walkers


class TownSimulator:
    """Publishes every sensor's reading and every team's position once per interval, on a daemon thread.

    One sensor alarms first_alarm_s after the first tick, then one every alarm_every_s (low, high) seconds of
    clock() time; alarm_every_s=None keeps the town quiet. Sensors take turns in a shuffled order, so an alarm
    lands on a sensor without an open alert and becomes a new case. assignments() returns {team_id: (lon, lat)}
    in WGS-84 for busy teams, whose phones then drive there.
    """

    def __init__(self, publisher: Publisher, devices: Sequence[Device], teams: Sequence[Team], *, seed: int = 0,
                 interval_s: float = 1.0, first_alarm_s: float = FIRST_ALARM_S,
                 alarm_every_s: tuple[float, float] | None = ALARM_EVERY_S,
                 assignments: Callable[[], Mapping[str, tuple[float, float]]] = lambda: {},
                 clock: Callable[[], float] = time.time) -> None:
        if interval_s <= 0:
            raise ValueError(f"interval_s must be positive, got {interval_s}")
        if alarm_every_s is not None and not 0 < alarm_every_s[0] <= alarm_every_s[1]:
            raise ValueError(f"alarm_every_s must be (low, high) with 0 < low <= high, got {alarm_every_s}")
        self.publisher = publisher
        self.devices = tuple(devices)
        self.interval_s = interval_s
        self.first_alarm_s = first_alarm_s
        self.alarm_every_s = alarm_every_s
        self.assignments = assignments
        self.clock = clock
        self.published = 0
        self.alarms = 0
        self.ticks = 0
        self._rng = random.Random(seed)
        self._walkers = _walkers(teams, self.devices, self._rng)
        self._next_alarm_at: float | None = None
        self._alarm_turns: list[Device] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """Return whether the simulator thread is up."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> TownSimulator:
        """Start publishing on a daemon thread."""
        if self.running:
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="gridwatch-simulator", daemon=True)
        self._thread.start()
        logger.info("simulating %d sensors and %d team phones every %.1f s",
                    len(self.devices), len(self._walkers), self.interval_s)
        return self

    def stop(self, *, timeout_s: float = 2.0) -> None:
        """Stop publishing and join the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                logger.warning("simulator thread still running after %.1f s", timeout_s)
            self._thread = None
        logger.info("simulator stopped after %d ticks: %d messages, %d alarms", self.ticks, self.published, self.alarms)

    def tick(self) -> None:
        """Publish one round: a reading from every sensor, then a position from every team's phone."""
        now = self.clock()
        ts = int(now * 1000)
        alarming = self._alarming_device(now)
        for device in self.devices:
            alarm = device is alarming
            values = reading_for(device, self._rng, alarm)
            if alarm:
                self.alarms += 1
                logger.info("simulated alarm on %s (%s): %s", device.id, device.kind, values)
            self._publish(sensor_topic(device.id), {"ts": ts, "values": values})
        targets = self._targets()
        for walker in self._walkers:
            walker.move(targets.get(walker.team_id), self.interval_s, self._rng)
            lon, lat = walker.reported(self._rng)
            self._publish(team_topic(walker.team_id),
                          {"ts": ts, "lon": round(lon, 6), "lat": round(lat, 6), "crs": Crs.GCJ02.value})
        self.ticks += 1

    def _alarming_device(self, now: float) -> Device | None:
        if self.alarm_every_s is None or not self.devices:
            return None
        if self._next_alarm_at is None:
            self._next_alarm_at = now + self.first_alarm_s
        if now < self._next_alarm_at:
            return None
        # The alarm fires on the first tick at or after its time, up to one interval late: draw the gap short
        # by that much, so the gap actually seen stays within alarm_every_s.
        low, high = self.alarm_every_s
        self._next_alarm_at = now + self._rng.uniform(low, max(low, high - self.interval_s))
        if not self._alarm_turns:
            self._alarm_turns = list(self.devices)
            self._rng.shuffle(self._alarm_turns)
        return self._alarm_turns.pop()

    def _targets(self) -> Mapping[str, tuple[float, float]]:
        try:
            return self.assignments()
        except Exception:
            # A store hiccup must not stop the town; teams wander for a tick instead.
            logger.warning("could not read team assignments; every team wanders this tick", exc_info=True)
            return {}

    def _publish(self, topic: str, body: dict[str, object]) -> None:
        self.publisher.publish(topic, json.dumps(body, separators=(",", ":")).encode("utf-8"), qos=QOS)
        self.published += 1

    def _run(self) -> None:
        next_at = time.monotonic()
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:
                logger.exception("simulator tick %d failed; carrying on", self.ticks)
                self.ticks += 1
            next_at += self.interval_s
            delay = next_at - time.monotonic()
            if delay < 0:
                # Running late (a slow broker): skip the missed ticks rather than burst to catch up.
                next_at, delay = time.monotonic(), 0.0
            if self._stop.wait(delay):
                break
