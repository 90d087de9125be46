"""Parse and validate MQTT payloads into readings and team positions; every error names topic and field."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from gis.crs import normalise_position
from gis.errors import GisError
from iot.errors import IngestError
from iot.models import Device, Reading, TeamPosition

CHINA_TZ = ZoneInfo("Asia/Shanghai")
MAX_PAYLOAD_BYTES = 64 * 1024
MAX_METRICS = 32
# A device clock ahead of ours by more than this is broken, not early.
MAX_CLOCK_SKEW = timedelta(minutes=10)
# Epoch milliseconds below this are 1973 or seconds sent by mistake.
MIN_EPOCH_MS = 100_000_000_000
_METRIC = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number")


def load_json_object(topic: str, payload: bytes) -> dict[str, Any]:
    """Decode a payload into a JSON object, refusing oversize, non-UTF-8, NaN and non-object bodies."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise IngestError(f"topic {topic!r}: payload of {len(payload)} bytes exceeds {MAX_PAYLOAD_BYTES}")
    try:
        body = json.loads(payload.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise IngestError(f"topic {topic!r}: payload is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except ValueError as exc:
        raise IngestError(f"topic {topic!r}: payload is not JSON ({exc})") from None
    if not isinstance(body, dict):
        raise IngestError(f"topic {topic!r}: payload must be a JSON object, got {type(body).__name__}")
    return body


def parse_ts(value: Any, *, topic: str, now: datetime) -> datetime:
    """Return the UTC time of epoch milliseconds or ISO 8601 (naive means China Standard Time)."""
    if isinstance(value, bool) or value is None:
        raise IngestError(f"topic {topic!r}: field 'ts' is required (epoch ms or ISO 8601)")
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or value < MIN_EPOCH_MS:
            raise IngestError(f"topic {topic!r}: field 'ts' {value!r} is not epoch milliseconds")
        ts = datetime.fromtimestamp(value / 1000.0, tz=UTC)
    elif isinstance(value, str):
        try:
            ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise IngestError(f"topic {topic!r}: field 'ts' {value!r} is not ISO 8601") from None
        ts = (ts.replace(tzinfo=CHINA_TZ) if ts.tzinfo is None else ts).astimezone(UTC)
    else:
        raise IngestError(f"topic {topic!r}: field 'ts' must be epoch ms or ISO 8601, got {type(value).__name__}")
    if ts > now + MAX_CLOCK_SKEW:
        raise IngestError(f"topic {topic!r}: field 'ts' {ts.isoformat()} is in the future (device clock wrong?)")
    return ts


def _position(body: dict[str, Any], *, topic: str, required: bool) -> tuple[float, float] | None:
    has_lon, has_lat = "lon" in body, "lat" in body
    if not has_lon and not has_lat and not required:
        return None
    if not (has_lon and has_lat):
        raise IngestError(f"topic {topic!r}: fields 'lon' and 'lat' must come together")
    try:
        return normalise_position(body["lon"], body["lat"], body.get("crs"), where=f"topic {topic!r}")
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
            raise IngestError(f"topic {topic!r}: metric name {metric!r} must match {_METRIC.pattern}")
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
            raise IngestError(f"topic {topic!r}: values.{metric} must be a finite number, got {number!r}")
        clean[metric] = float(number)
    return clean


def parse_reading(topic: str, payload: bytes, *, device: Device, now: datetime) -> Reading:
    """Return the reading a sensor published, located at its own position unless the payload gives one."""
    body = load_json_object(topic, payload)
    ts = parse_ts(body.get("ts"), topic=topic, now=now)
    values = _values(body, topic=topic)
    position = _position(body, topic=topic, required=device.lon is None or device.lat is None)
    lon, lat = position or (device.lon, device.lat)  # type: ignore[assignment]
    return Reading(device_id=device.id, ts=ts, values=values, lon=lon, lat=lat)


def parse_position(topic: str, payload: bytes, *, team_id: str, now: datetime) -> TeamPosition:
    """Return the position a team's phone published, converted to WGS-84."""
    body = load_json_object(topic, payload)
    ts = parse_ts(body.get("ts"), topic=topic, now=now)
    lon, lat = _position(body, topic=topic, required=True)  # type: ignore[misc]
    return TeamPosition(team_id=team_id, ts=ts, lon=lon, lat=lat)
