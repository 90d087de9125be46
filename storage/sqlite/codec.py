"""How values are written to and read from SQLite columns: UTC text times, JSON text, WKB shapes."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from storage.contract import StorageError
from storage.values import dumps_json, to_utc

# Fixed width (microseconds always present), so comparing the text compares the instants.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def time_to_db(value: datetime, *, where: str) -> str:
    """Return an aware datetime as UTC text."""
    return to_utc(value, where=where).strftime(TIME_FORMAT)


def optional_time_to_db(value: datetime | None, *, where: str) -> str | None:
    """Return UTC text, or None."""
    return None if value is None else time_to_db(value, where=where)


def time_from_db(text: str) -> datetime:
    """Return the aware UTC datetime stored as text."""
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=timezone.utc)


def optional_time_from_db(text: str | None) -> datetime | None:
    """Return the stored datetime, or None."""
    return None if text is None else time_from_db(text)


def json_to_db(value: Any, *, where: str) -> str:
    """Return a JSON document as text."""
    return dumps_json(value, where=where)


def json_from_db(text: str) -> Any:
    """Return the JSON document stored as text."""
    return json.loads(text)


def path_to_db(path: tuple[str, ...]) -> str:
    """Return grid codes (coarsest first) as a JSON array."""
    return json.dumps(list(path), ensure_ascii=False)


def path_from_db(text: str) -> tuple[str, ...]:
    """Return the stored grid codes as a tuple."""
    return tuple(json.loads(text))


def geometry_to_db(geometry: BaseGeometry, *, where: str) -> tuple[bytes, float, float, float, float]:
    """Return a shape as 2-D WKB with its bounding box (min_lon, min_lat, max_lon, max_lat)."""
    if geometry is None or geometry.is_empty:
        raise StorageError(f"{where}: geometry is empty")
    flat = shapely.force_2d(geometry)
    min_lon, min_lat, max_lon, max_lat = flat.bounds
    return shapely.to_wkb(flat), min_lon, min_lat, max_lon, max_lat


def geometry_from_db(wkb: bytes) -> BaseGeometry:
    """Return the shape stored as WKB."""
    return shapely.from_wkb(wkb)


def _intersects_box(wkb: bytes, min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> int:
    return int(shapely.intersects(shapely.from_wkb(wkb), shapely.box(min_lon, min_lat, max_lon, max_lat)))


def register_functions(conn: sqlite3.Connection) -> None:
    """Give the connection gw_intersects_box(wkb, min_lon, min_lat, max_lon, max_lat), the exact test after the bbox one."""
    conn.create_function("gw_intersects_box", 5, _intersects_box, deterministic=True)
