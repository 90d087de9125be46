"""Db: one connection with its dialect, the only way the shared repositories run SQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from storage.sql.dialect import Dialect
from storage.values import page

Condition = tuple[str, Sequence[Any]]


class Db:
    """Run shared SQL (with ? placeholders) on one backend connection."""

    __slots__ = ("conn", "dialect")

    def __init__(self, conn: Any, dialect: Dialect) -> None:
        self.conn = conn
        self.dialect = dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement and return the driver's cursor."""
        return self.conn.execute(self.dialect.sql(sql), params)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Return the first result row, or None."""
        return self.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Return the first column of the first result row."""
        return self.dialect.scalar(self.execute(sql, params).fetchone())

    def insert(self, sql: str, params: Sequence[Any]) -> Any:
        """Run an INSERT ... RETURNING and return the row it wrote."""
        # Fetch everything, so SQLite finishes the statement before the unit of work commits.
        return self.execute(sql, params).fetchall()[0]

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run one statement per row; return how many rows it wrote."""
        if not rows:
            return 0
        return self.dialect.execute_many(self.conn, self.dialect.sql(sql), rows)


def where(*conditions: Condition | None) -> tuple[str, list[Any]]:
    """Return " WHERE a AND b" and its parameters from (clause, params) pairs, skipping None."""
    chosen = [c for c in conditions if c is not None]
    if not chosen:
        return "", []
    return " WHERE " + " AND ".join(clause for clause, _ in chosen), [p for _, params in chosen for p in params]


def equals(column: str, value: Any, to_db: Callable[[Any], Any] = str) -> Condition | None:
    """Return the condition column = to_db(value), or None when value is None (no filter)."""
    return None if value is None else (f"{column} = ?", [to_db(value)])


def upsert_set(columns: Sequence[str]) -> str:
    """Return "a = excluded.a, b = excluded.b" for an ON CONFLICT DO UPDATE overwriting these columns."""
    return ", ".join(f"{c} = excluded.{c}" for c in columns)


def delete_oldest(db: Db, *, table: str, key: str, time_column: str, order: str, cutoff: datetime, limit: int) -> int:
    """Delete at most limit rows of table whose time_column is before cutoff, in order; return how many went.

    Retention deletes in bounded batches (one short transaction each); key names the row ("id" or
    "(a, b)"), and the names are this package's own constants, never caller input.
    """
    where = f"{table} cutoff"
    return db.execute(
        f"DELETE FROM {table} WHERE {key} IN"
        f" (SELECT {key.strip('()')} FROM {table} WHERE {time_column} < ? ORDER BY {order} LIMIT ?)",
        (db.dialect.time_to_db(cutoff, where=where), page(limit)[0]),
    ).rowcount
