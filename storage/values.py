"""Value conversions both backends share: UTC datetimes, JSON documents, bounding boxes, redacted URLs."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from enum import Enum
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import shapely
from shapely.geometry.base import BaseGeometry

from storage.contract import StorageError

BBox = tuple[float, float, float, float]


def to_utc(value: datetime, *, where: str) -> datetime:
    """Return value converted to UTC; refuse a naive datetime, whose zone nobody can know."""
    if not isinstance(value, datetime):
        raise StorageError(f"{where}: expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise StorageError(f"{where}: datetime {value.isoformat()} has no timezone; pass an aware datetime")
    return value.astimezone(timezone.utc)


def optional_utc(value: datetime | None, *, where: str) -> datetime | None:
    """Return value in UTC, or None."""
    return None if value is None else to_utc(value, where=where)


def from_db_utc(value: datetime) -> datetime:
    """Return a datetime read back from a store as aware UTC (naive values were written as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _json_default(value: Any) -> Any:
    # Payloads often carry times and enums; everything else must already be plain JSON.
    if isinstance(value, datetime):
        return to_utc(value, where="JSON value").isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps_json(value: Any, *, where: str = "JSON document") -> str:
    """Serialise a JSON document; datetimes become ISO-8601 UTC strings, enums their values."""
    try:
        return json.dumps(value, default=_json_default, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StorageError(f"{where}: cannot store as JSON: {exc}") from exc


def bbox_floats(bbox: BBox, *, where: str = "bbox") -> BBox:
    """Return (min_lon, min_lat, max_lon, max_lat) as finite floats, or raise naming what is wrong."""
    try:
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
    except (TypeError, ValueError):
        raise StorageError(f"{where}: expected (min_lon, min_lat, max_lon, max_lat), got {bbox!r}") from None
    if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
        raise StorageError(f"{where}: coordinates must be finite, got {bbox!r}")
    return min_lon, min_lat, max_lon, max_lat


def redact_url(url: str) -> str:
    """Return the URL with any password replaced, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def page(limit: int, offset: int = 0) -> tuple[int, int]:
    """Return (limit, offset) after refusing negatives, which SQLite would read as "no limit" and PostgreSQL refuse."""
    if limit < 0 or offset < 0:
        raise StorageError(f"page: limit and offset must not be negative, got limit={limit}, offset={offset}")
    return int(limit), int(offset)


def flat_shape(geometry: BaseGeometry | None, *, where: str) -> BaseGeometry:
    """Return the shape in 2-D; refuse a missing or empty one."""
    if geometry is None or geometry.is_empty:
        raise StorageError(f"{where}: geometry is empty")
    return shapely.force_2d(geometry)


def shape_from_wkb(wkb: bytes | memoryview) -> BaseGeometry:
    """Return the shape stored as WKB."""
    return shapely.from_wkb(bytes(wkb))
