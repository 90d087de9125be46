"""Devices, their kinds and thresholds, readings, team positions and dead letters."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class SensorKind(StrEnum):
    """Kinds of sensor the town runs; each kind has default alarm thresholds."""

    AIR_QUALITY = "air_quality"
    WATER_LEVEL = "water_level"
    SMOKE = "smoke"
    NOISE = "noise"
    COLD_CHAIN = "cold_chain"
    CARE_BUTTON = "care_button"


@dataclass(frozen=True, slots=True)
class Threshold:
    """A metric's alarm limit: a value above limit raises an alert."""

    metric: str
    limit: float
    unit: str


# Limits follow the national standards a town environment office would cite: AQI "heavy" PM2.5 >150 µg/m³,
# GB 3096 noise class 2 plus a margin, a cold-chain food limit of 8 °C.
DEFAULT_THRESHOLDS: dict[SensorKind, tuple[Threshold, ...]] = {
    SensorKind.AIR_QUALITY: (Threshold("pm25", 150.0, "µg/m³"), Threshold("pm10", 250.0, "µg/m³")),
    SensorKind.WATER_LEVEL: (Threshold("level_m", 3.5, "m"),),
    SensorKind.SMOKE: (Threshold("obscuration_pct", 4.0, "%/m"),),
    SensorKind.NOISE: (Threshold("db", 75.0, "dB(A)"),),
    SensorKind.COLD_CHAIN: (Threshold("temp_c", 8.0, "°C"),),
    SensorKind.CARE_BUTTON: (Threshold("pressed", 0.5, ""),),
}


@dataclass(frozen=True, slots=True)
class MetricRange:
    """A metric's unit and the values it can physically take; outside them the sensor is at fault."""

    unit: str
    min: float
    max: float


@dataclass(frozen=True, slots=True)
class Device:
    """A sensor: its id (the MQTT topic segment), kind, name, position, grid, owner and reporting contract.

    A fixed device has a WGS-84 position; a mobile one may have none (its messages carry it). `metrics` and
    `interval_s` hold only what this device overrides of its kind's catalogue (iot/kinds.yaml); empty and None
    mean the kind's values (iot.kinds.Catalogue.metrics_of / interval_of).
    """

    id: str
    kind: SensorKind
    name: str
    lon: float | None
    lat: float | None
    mobile: bool = False
    grid_code: str = ""
    department: str = ""
    metrics: dict[str, MetricRange] = field(default_factory=dict, hash=False)
    interval_s: int | None = None


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """An unknown device heard on the broker: when, how often, and what its last message said.

    Recorded in bulk as sightings (messages is then the number to add); lon/lat/crs are as the last message
    that carried a position gave them, before any conversion; suggested_kind is the last one a message suggested.
    """

    device_id: str
    topic: str
    first_seen_at: datetime
    last_seen_at: datetime
    messages: int
    payload_prefix: bytes
    lon: float | None = None
    lat: float | None = None
    crs: str | None = None
    suggested_kind: SensorKind | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """One measurement message: device, UTC time, metric values, and where it was taken (WGS-84)."""

    device_id: str
    ts: datetime
    values: dict[str, float] = field(hash=False)
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class TeamPosition:
    """A team's reported position in WGS-84 at a UTC time."""

    team_id: str
    ts: datetime
    lon: float
    lat: float


# Bytes of a refused payload kept by default; the rest is known by its size and SHA-256 only.
DEAD_LETTER_PREFIX_BYTES = 4096
# A reason is a sentence; a hostile topic or value must not make it a megabyte.
MAX_REASON_CHARS = 1000


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message the ingest refused: a prefix of its raw bytes, its whole size and SHA-256, and the reason.

    size and sha256 describe the payload as it came; payload may be only its first bytes (truncated).
    Left empty, they are the payload's own (a letter built from a whole payload).
    """

    received_at: datetime
    topic: str
    payload: bytes
    reason: str
    id: int | None = None
    size: int = -1
    sha256: str = ""

    def __post_init__(self) -> None:
        # Frozen: fill in size and hash of a whole payload once, here, so every reader sees them.
        if self.size < 0:
            object.__setattr__(self, "size", len(self.payload))
        if not self.sha256:
            object.__setattr__(self, "sha256", hashlib.sha256(self.payload).hexdigest())

    @property
    def truncated(self) -> bool:
        """Return whether payload holds only a prefix of what came."""
        return self.size > len(self.payload)


def refused(received_at: datetime, topic: str, payload: bytes, reason: str, *,
            keep_bytes: int = DEAD_LETTER_PREFIX_BYTES) -> DeadLetter:
    """Return the dead letter of a refused message, keeping at most keep_bytes of its payload."""
    raw = bytes(payload)
    return DeadLetter(received_at=received_at, topic=topic, payload=raw[:max(keep_bytes, 0)],
                      reason=reason[:MAX_REASON_CHARS], size=len(raw), sha256=hashlib.sha256(raw).hexdigest())
