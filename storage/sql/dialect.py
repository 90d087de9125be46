"""The Dialect: everything the shared SQL repositories need to know about a backend, and nothing more."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shapely.geometry.base import BaseGeometry

from storage.values import BBox, dumps_json

if TYPE_CHECKING:
    from storage.sql.db import Db


class Dialect(ABC):
    """How one backend writes placeholders, encodes values and filters by place.

    Shared SQL is written with ``?`` placeholders and only what both backends accept (upserts, RETURNING,
    table-qualified columns in DO UPDATE); whatever differs is asked of the dialect.
    """

    name: str
    # Placeholders for a JSON document and a grid path, with any cast the column type needs.
    json_param = "?"
    path_param = "?"
    # Appended to a SELECT of a row the unit of work is about to change.
    for_update = ""
    # Appended to a SELECT of rows a claim takes: rows another claim holds are passed over, not waited for.
    skip_locked = ""
    # Grid shape: the SELECT expression yielding WKB as "wkb", the columns written and their placeholders.
    grid_shape_select: str
    grid_shape_columns: tuple[str, ...]
    grid_shape_params: str

    def sql(self, text: str) -> str:
        """Return the statement with its ? placeholders in the driver's style."""
        return text

    @abstractmethod
    def execute_many(self, conn: Any, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run one statement for each row; return how many rows it wrote in all."""

    @abstractmethod
    def scalar(self, row: Any) -> Any:
        """Return the first column of a result row."""

    @abstractmethod
    def time_to_db(self, value: datetime, *, where: str) -> Any:
        """Return an aware datetime as the store keeps times."""

    @abstractmethod
    def time_from_db(self, value: Any) -> datetime:
        """Return a stored time as an aware UTC datetime."""

    def optional_time_to_db(self, value: datetime | None, *, where: str) -> Any:
        """Return the stored form of a time, or None."""
        return None if value is None else self.time_to_db(value, where=where)

    def optional_time_from_db(self, value: Any) -> datetime | None:
        """Return a stored time as aware UTC, or None."""
        return None if value is None else self.time_from_db(value)

    def json_to_db(self, value: Any, *, where: str) -> str:
        """Return a JSON document as text (serialised here, so an error names the field)."""
        return dumps_json(value, where=where)

    @abstractmethod
    def json_from_db(self, value: Any) -> Any:
        """Return a stored JSON document as Python values."""

    @abstractmethod
    def path_to_db(self, path: tuple[str, ...]) -> Any:
        """Return grid codes (coarsest first) as the store keeps them."""

    @abstractmethod
    def path_from_db(self, value: Any) -> tuple[str, ...]:
        """Return stored grid codes as a tuple."""

    @abstractmethod
    def path_overlaps(self, column: str) -> str:
        """Return a condition that the grid path column shares a code with one path parameter (path_to_db)."""

    @abstractmethod
    def point_in_bbox(self, bbox: BBox) -> tuple[str, list[Any]]:
        """Return a condition and its parameters: the row's lon/lat lies in the WGS-84 bbox."""

    @abstractmethod
    def grid_in_bbox(self, bbox: BBox) -> tuple[str, list[Any]]:
        """Return a condition and its parameters: the grid's outline meets the WGS-84 bbox."""

    @abstractmethod
    def grid_shape_to_db(self, shape: BaseGeometry) -> tuple[Any, ...]:
        """Return the values for grid_shape_columns of a non-empty 2-D shape."""

    def insert_returning(self, db: Db, *, table: str, columns: Sequence[str], types: Sequence[str],
                         rows: Sequence[Sequence[Any]], suffix: str) -> list[Any]:
        """Insert many rows in few statements ending with suffix (ON CONFLICT ... RETURNING ...); return all rows.

        types are PostgreSQL type names of the columns; the default, multi-row VALUES, does not need them.
        """
        returned: list[Any] = []
        one = "(" + ", ".join("?" * len(columns)) + ")"
        # 500 rows: 2,500 parameters, far under SQLite's 32,766.
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            # Fetch everything, so SQLite finishes the statement before the unit of work commits.
            returned.extend(db.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                                       + ", ".join([one] * len(chunk)) + f" {suffix}",
                                       [value for row in chunk for value in row]).fetchall())
        return returned

    def lock_feed_for_append(self, db: Db) -> None:
        """Take whatever lock keeps feed ids visible in order while this unit of work appends."""

    def lock_feed_for_read(self, db: Db) -> None:
        """Wait until no reader could move past a feed id that is still to commit."""

    def lock_audit(self, db: Db) -> None:
        """Make audit appenders take turns, so each links to the entry before it."""

    def lock_job_claims(self, db: Db, job: str) -> None:
        """Make claims of one job take turns, so a claim sees the unfinished run committed just before it."""

    @abstractmethod
    def path_codes(self, column: str, alias: str) -> tuple[str, str, str]:
        """Return a join giving one row per code of the grid path column, its code expression and depth (1 = first)."""

    # Appended to a text grouping key: group and order by code point, as SQLite does, not by the server's locale.
    binary_collation = ""

    def prepare_report(self, db: Db) -> None:
        """Set up the unit of work for one large aggregate read (an assessment over a year of cases)."""

    def percentile_cont(self, fraction: float, expr: str) -> str:
        """Return the aggregate of expr's fraction percentile, interpolated linearly (nulls ignored)."""
        return f"percentile_cont({_fraction(fraction)}) WITHIN GROUP (ORDER BY {expr})"

    def floor_int(self, expr: str) -> str:
        """Return SQL for the largest integer not above a numeric expression (heatmap bins)."""
        return f"CAST(floor({expr}) AS BIGINT)"


def _fraction(value: float) -> str:
    """Return a fraction in [0, 1] as an SQL literal (written into the statement, so checked here)."""
    fraction = float(value)
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"percentile fraction {value!r}: give a number from 0 to 1")
    return repr(fraction)
