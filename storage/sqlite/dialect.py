"""How the shared SQL speaks SQLite: UTC text times, JSON text, bbox columns, WKB shapes checked exactly."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from cases.assessment import percentile_cont
from storage.sql.db import Db
from storage.sql.dialect import Dialect
from storage.values import BBox, bbox_floats, to_utc

# Fixed width (microseconds always present), so comparing the text compares the instants.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _intersects_box(wkb: bytes, min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> int:
    return int(shapely.intersects(shapely.from_wkb(wkb), shapely.box(min_lon, min_lat, max_lon, max_lat)))


class _PercentileCont:
    """The aggregate gw_percentile_cont(value, fraction): PostgreSQL's percentile_cont, which SQLite lacks."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        # One sort per group at the end: n log n, whatever the group's size.
        return percentile_cont(self.values, self.fraction)


def register_functions(conn: sqlite3.Connection) -> None:
    """Give the connection gw_intersects_box(wkb, min_lon, min_lat, max_lon, max_lat), the exact test after the bbox
    one, and the aggregate gw_percentile_cont(value, fraction)."""
    conn.create_function("gw_intersects_box", 5, _intersects_box, deterministic=True)
    conn.create_aggregate("gw_percentile_cont", 2, _PercentileCont)


class SqliteDialect(Dialect):
    """SQLite 3.35+ (for RETURNING); ? placeholders are SQLite's own."""

    name = "sqlite"
    grid_shape_select = "geometry AS wkb"
    grid_shape_columns = ("geometry", "min_lon", "min_lat", "max_lon", "max_lat")
    grid_shape_params = "?, ?, ?, ?, ?"
    # for_update stays empty: the unit of work began IMMEDIATE, so it already holds the write lock.

    def execute_many(self, conn: sqlite3.Connection, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run one statement for each row; rowcount sums the rows each one wrote."""
        return conn.executemany(sql, rows).rowcount

    def scalar(self, row: sqlite3.Row) -> Any:
        """Return the first column of a result row."""
        return row[0]

    def time_to_db(self, value: datetime, *, where: str) -> str:
        """Return an aware datetime as UTC text."""
        return to_utc(value, where=where).strftime(TIME_FORMAT)

    def time_from_db(self, value: str) -> datetime:
        """Return the aware UTC datetime stored as text."""
        return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=timezone.utc)

    def json_from_db(self, value: str) -> Any:
        """Return the JSON document stored as text."""
        return json.loads(value)

    def path_to_db(self, path: tuple[str, ...]) -> str:
        """Return grid codes (coarsest first) as a JSON array."""
        return json.dumps(list(path), ensure_ascii=False)

    def path_from_db(self, value: str) -> tuple[str, ...]:
        """Return the stored grid codes as a tuple."""
        return tuple(json.loads(value))

    def path_overlaps(self, column: str) -> str:
        """Return a condition that the JSON array in column holds a code of the JSON array parameter."""
        return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value IN (SELECT value FROM json_each(?)))"

    def path_codes(self, column: str, alias: str) -> tuple[str, str, str]:
        """Return the JSON array's elements (json_each's key counts from 0)."""
        return f"JOIN json_each({column}) AS {alias}", f"{alias}.value", f"({alias}.key + 1)"

    def percentile_cont(self, fraction: float, expr: str) -> str:
        """Return the registered aggregate (see register_functions)."""
        super().percentile_cont(fraction, expr)  # checks the fraction
        return f"gw_percentile_cont({expr}, {float(fraction)!r})"

    def point_in_bbox(self, bbox: BBox) -> tuple[str, list[Any]]:
        """Return the lon/lat range test, served by the (lon, lat) index."""
        min_lon, min_lat, max_lon, max_lat = bbox_floats(bbox)
        return "lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?", [min_lon, max_lon, min_lat, max_lat]

    def grid_in_bbox(self, bbox: BBox) -> tuple[str, list[Any]]:
        """Return the bounding-box overlap test, then the exact outline test."""
        min_lon, min_lat, max_lon, max_lat = bbox_floats(bbox)
        # The box columns use the index; the function then drops shapes whose box overlaps but outline does not.
        return ("max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?"
                " AND gw_intersects_box(geometry, ?, ?, ?, ?)",
                [min_lon, max_lon, min_lat, max_lat, min_lon, min_lat, max_lon, max_lat])

    def grid_shape_to_db(self, shape: BaseGeometry) -> tuple[bytes, float, float, float, float]:
        """Return the shape as WKB with its bounding box (min_lon, min_lat, max_lon, max_lat)."""
        return (shapely.to_wkb(shape), *shape.bounds)

    def lock_feed_for_append(self, db: Db) -> None:
        """Take no lock: BEGIN IMMEDIATE already serialises writers, so feed ids commit in order."""

    def floor_int(self, expr: str) -> str:
        """Return floor as integer arithmetic: SQLite has floor() only when built with its math functions."""
        # CAST truncates toward zero; one less when that went up (a negative value with a fraction).
        return f"(CAST(({expr}) AS INTEGER) - (CAST(({expr}) AS INTEGER) > ({expr})))"


DIALECT = SqliteDialect()
