"""Parse and validate MQTT payloads into readings and team positions; every error names topic and field."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from gis.crs import normalise_position
from gis.errors import GisError
from gis.zone import CHINA_TZ
from iot.errors import IngestError
from iot.models import Device, Reading, TeamPosition

MAX_PAYLOAD_BYTES = 64 * 1024
MAX_METRICS = 32
# A device clock ahead of ours by more than this is broken, not early.
MAX_CLOCK_SKEW = timedelta(minutes=10)
# Epoch milliseconds below this are 1973 or seconds sent by mistake.
MIN_EPOCH_MS = 100_000_000_000
# Before this a timestamp is a default or a typo, not a measurement (the same 1973 as MIN_EPOCH_MS).
MIN_TS = datetime.fromtimestamp(MIN_EPOCH_MS / 1000, tz=UTC)
# Larger magnitudes are no physical measurement, and float() of a huge JSON integer overflows.
MAX_MAGNITUDE = 1e15
_METRIC = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_T = TypeVar("_T")


class parse_guard:  # noqa: N801 - used like the function it replaced: `with parse_guard(topic):`
    """Let only IngestError leave parsing: anything else becomes a parse error naming the topic, never a crash.

    A class, not @contextmanager: it runs once or twice per message and the generator version cost ~3 µs each.
    """

    __slots__ = ("topic",)

    def __init__(self, topic: str) -> None:
        self.topic = topic

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _tb: object) -> bool:
        if exc is None or isinstance(exc, IngestError) or not isinstance(exc, Exception):
            return False
        if isinstance(exc, RecursionError):
            raise IngestError(f"topic {self.topic!r}: parse error: payload nests too deeply") from None
        # The last resort the brief asks for: one bad message, one dead letter.
        raise IngestError(f"topic {self.topic!r}: parse error: {type(exc).__name__}: {str(exc)[:200]}") from None


def guarded(topic: str, parse: Callable[[], _T]) -> _T:
    """Return parse() run under parse_guard(topic)."""
    with parse_guard(topic):
        return parse()


def _finite_number(value: Any, *, topic: str, field: str) -> float:
    """Return value as a float if it is a JSON number of sane magnitude, else raise IngestError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise IngestError(f"topic {topic!r}: {field} must be a number, got {type(value).__name__}")
    # Compare before converting: float() of an integer with hundreds of digits raises OverflowError.
    if isinstance(value, int) and abs(value) > MAX_MAGNITUDE:
        raise IngestError(f"topic {topic!r}: {field} is out of range (magnitude above {MAX_MAGNITUDE:g})")
    number = float(value)
    if not math.isfinite(number):
        raise IngestError(f"topic {topic!r}: {field} must be a finite number, got {number!r}")
    if abs(number) > MAX_MAGNITUDE:
        raise IngestError(f"topic {topic!r}: {field} is out of range (magnitude above {MAX_MAGNITUDE:g})")
    return number


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number")


# What json.loads(..., parse_constant=...) builds anew at every call, built once.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def load_json_object(topic: str, payload: bytes) -> dict[str, Any]:
    """Decode a payload into a JSON object, refusing oversize, non-UTF-8, NaN and non-object bodies."""
    if not isinstance(payload, (bytes, bytearray, memoryview)):
        raise IngestError(f"topic {topic!r}: payload must be bytes, got {type(payload).__name__}")
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise IngestError(f"topic {topic!r}: payload of {len(payload)} bytes exceeds {MAX_PAYLOAD_BYTES}")
    try:
        body = _DECODER.decode(payload.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise IngestError(f"topic {topic!r}: payload is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except ValueError as exc:
        raise IngestError(f"topic {topic!r}: payload is not JSON ({str(exc)[:200]})") from None
    except RecursionError:
        raise IngestError(f"topic {topic!r}: payload is not JSON (nested too deeply)") from None
    if not isinstance(body, dict):
        raise IngestError(f"topic {topic!r}: payload must be a JSON object, got {type(body).__name__}")
    return body


def parse_ts(value: Any, *, topic: str, now: datetime) -> datetime:
    """Return the UTC time of epoch milliseconds or ISO 8601 (naive means China Standard Time)."""
    if isinstance(value, bool) or value is None:
        raise IngestError(f"topic {topic!r}: field 'ts' is required (epoch ms or ISO 8601)")
    if isinstance(value, (int, float)):
        # Bound before dividing: a huge integer overflows float, an epoch beyond year 9999 overflows datetime.
        limit_ms = (now + MAX_CLOCK_SKEW).timestamp() * 1000
        if isinstance(value, float) and not math.isfinite(value):
            raise IngestError(f"topic {topic!r}: field 'ts' {value!r} is not epoch milliseconds")
        if value < MIN_EPOCH_MS:
            raise IngestError(f"topic {topic!r}: field 'ts' {_short(value)} is not epoch milliseconds (before 1973)")
        if value > limit_ms:
            raise IngestError(f"topic {topic!r}: field 'ts' {_short(value)} is in the future (device clock wrong?)")
        ts = datetime.fromtimestamp(value / 1000.0, tz=UTC)
    elif isinstance(value, str):
        try:
            ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
            ts = (ts.replace(tzinfo=CHINA_TZ) if ts.tzinfo is None else ts).astimezone(UTC)
        except ValueError:
            raise IngestError(f"topic {topic!r}: field 'ts' {value[:64]!r} is not ISO 8601") from None
        except OverflowError:
            # Year 1 or 9999 with an offset falls off the calendar when moved to UTC.
            raise IngestError(f"topic {topic!r}: field 'ts' {value[:64]!r} is outside the calendar") from None
    else:
        raise IngestError(f"topic {topic!r}: field 'ts' must be epoch ms or ISO 8601, got {type(value).__name__}")
    if ts < MIN_TS:
        raise IngestError(f"topic {topic!r}: field 'ts' {ts.isoformat()} is before {MIN_TS.year} (device clock unset?)")
    if ts > now + MAX_CLOCK_SKEW:
        raise IngestError(f"topic {topic!r}: field 'ts' {ts.isoformat()} is in the future (device clock wrong?)")
    return ts


def _position(body: dict[str, Any], *, topic: str, required: bool) -> tuple[float, float] | None:
    has_lon, has_lat = "lon" in body, "lat" in body
    if not has_lon and not has_lat and not required:
        return None
    if not (has_lon and has_lat):
        raise IngestError(f"topic {topic!r}: fields 'lon' and 'lat' must come together")
    lon = _finite_number(body["lon"], topic=topic, field="field 'lon'")
    lat = _finite_number(body["lat"], topic=topic, field="field 'lat'")
    crs = body.get("crs")
    if crs is not None and not isinstance(crs, str):
        raise IngestError(f"topic {topic!r}: field 'crs' must be a string, got {type(crs).__name__}")
    try:
        return normalise_position(lon, lat, crs, where=f"topic {topic!r}")
    except GisError as exc:
        raise IngestError(str(exc)) from None


def _values(body: dict[str, Any], *, topic: str) -> dict[str, float]:
    values = body.get("values")
    if not isinstance(values, dict) or not values:
        raise IngestError(f"topic {topic!r}: field 'values' must be a non-empty object of metric: number")
    if len(values) > MAX_METRICS:
        raise IngestError(f"topic {topic!r}: field 'values' has {len(values)} metrics, at most {MAX_METRICS}")
    clean: dict[str, float] = {}
    for metric, number in values.items():
        if not _METRIC.match(metric):
            raise IngestError(f"topic {topic!r}: metric name {metric[:40]!r} must match {_METRIC.pattern}")
        clean[metric] = _finite_number(number, topic=topic, field=f"values.{metric}")
    return clean


def _short(value: Any) -> str:
    """Return repr(value) cut short: a 4,000-digit number makes no readable reason."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**30 else f"<integer of {len(str(value))} digits>"
    return text[:64]


def parse_reading(topic: str, payload: bytes, *, device: Device, now: datetime) -> Reading:
    """Return the reading a sensor published, located at its own position unless the payload gives one."""
    with parse_guard(topic):
        body = load_json_object(topic, payload)
        ts = parse_ts(body.get("ts"), topic=topic, now=now)
        values = _values(body, topic=topic)
        position = _position(body, topic=topic, required=device.lon is None or device.lat is None)
        lon, lat = position or (device.lon, device.lat)  # type: ignore[assignment]
        return Reading(device_id=device.id, ts=ts, values=values, lon=lon, lat=lat)


def parse_position(topic: str, payload: bytes, *, team_id: str, now: datetime) -> TeamPosition:
    """Return the position a team's phone published, converted to WGS-84."""
    with parse_guard(topic):
        body = load_json_object(topic, payload)
        ts = parse_ts(body.get("ts"), topic=topic, now=now)
        lon, lat = _position(body, topic=topic, required=True)  # type: ignore[misc]
        return TeamPosition(team_id=team_id, ts=ts, lon=lon, lat=lat)
