"""How values are written to and read from PostGIS columns: timestamptz, jsonb text, text[], WKB."""

from __future__ import annotations

from datetime import datetime

import shapely
from shapely.geometry.base import BaseGeometry

from storage.contract import StorageError
from storage.values import dumps_json, from_db_utc, to_utc


def time_to_db(value: datetime, *, where: str) -> datetime:
    """Return an aware datetime in UTC, ready for a timestamptz column."""
    return to_utc(value, where=where)


def optional_time_to_db(value: datetime | None, *, where: str) -> datetime | None:
    """Return the datetime in UTC, or None."""
    return None if value is None else to_utc(value, where=where)


def time_from_db(value: datetime) -> datetime:
    """Return a timestamptz as aware UTC (psycopg hands it back in the session's zone)."""
    return from_db_utc(value)


def optional_time_from_db(value: datetime | None) -> datetime | None:
    """Return the datetime as aware UTC, or None."""
    return None if value is None else from_db_utc(value)


def json_to_db(value: object, *, where: str) -> str:
    """Return a JSON document as text for a %s::jsonb parameter (serialised here so errors name the field)."""
    return dumps_json(value, where=where)


def geometry_to_db(geometry: BaseGeometry, *, where: str) -> bytes:
    """Return a shape as 2-D WKB for ST_GeomFromWKB(%s, 4326)."""
    if geometry is None or geometry.is_empty:
        raise StorageError(f"{where}: geometry is empty")
    return shapely.to_wkb(shapely.force_2d(geometry))


def geometry_from_db(wkb: bytes) -> BaseGeometry:
    """Return the shape read through ST_AsBinary."""
    return shapely.from_wkb(bytes(wkb))
