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
class Device:
    """A sensor: its id (the MQTT topic segment), kind, name and fixed WGS-84 position."""

    id: str
    kind: SensorKind
    name: str
    lon: float
    lat: float
    mobile: bool = False


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
