"""Grids in SQLite: WKB shapes with bounding-box columns, exact intersection by a registered function."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from gis.models import Grid, GridLevel
from storage import revisions
from storage.revisions import PendingRevisions
from storage.sqlite.codec import geometry_from_db, geometry_to_db
from storage.values import BBox, bbox_floats, page

_COLUMNS = "code, name, level, parent_code, staff, geometry"


def _grid(row: sqlite3.Row) -> Grid:
    return Grid(code=row["code"], name=row["name"], level=GridLevel(row["level"]), parent_code=row["parent_code"],
                geometry=geometry_from_db(row["geometry"]), staff=row["staff"])


def _where(level: GridLevel | None, parent_code: str | None, bbox: BBox | None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if level is not None:
        clauses.append("level = ?")
        params.append(int(level))
    if parent_code is not None:
        clauses.append("parent_code = ?")
        params.append(parent_code)
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox_floats(bbox)
        # The box columns use the index; the function then drops shapes whose box overlaps but outline does not.
        clauses.append("max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?"
                       " AND gw_intersects_box(geometry, ?, ?, ?, ?)")
        params += [min_lon, max_lon, min_lat, max_lat, min_lon, min_lat, max_lon, max_lat]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class SqliteGridRepository:
    """GridRepository over one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection, pending: PendingRevisions) -> None:
        self._conn = conn
        self._revisions = pending

    def upsert_many(self, grids: Iterable[Grid]) -> int:
        """Insert or overwrite grids by code; return how many were written."""
        rows = [(g.code, g.name, int(g.level), g.parent_code, g.staff, *geometry_to_db(g.geometry, where=f"grid {g.code}"))
                for g in grids]
        if not rows:
            return 0
        self._conn.executemany(
            "INSERT INTO grids (code, name, level, parent_code, staff, geometry, min_lon, min_lat, max_lon, max_lat)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,"
            " parent_code = excluded.parent_code, staff = excluded.staff, geometry = excluded.geometry,"
            " min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat",
            rows,
        )
        self._revisions.touch(revisions.GRIDS)
        return len(rows)

    def get(self, code: str) -> Grid | None:
        """Return the grid with this code, or None."""
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM grids WHERE code = ?", (code,)).fetchone()
        return None if row is None else _grid(row)

    def all(self) -> list[Grid]:
        """Return every grid ordered by code."""
        return [_grid(r) for r in self._conn.execute(f"SELECT {_COLUMNS} FROM grids ORDER BY code")]

    def list(self, *, level: GridLevel | None = None, parent_code: str | None = None, bbox: BBox | None = None,
             limit: int = 100, offset: int = 0) -> list[Grid]:
        """Return grids ordered by code; bbox is (min_lon, min_lat, max_lon, max_lat) in WGS-84."""
        where, params = _where(level, parent_code, bbox)
        sql = f"SELECT {_COLUMNS} FROM grids{where} ORDER BY code LIMIT ? OFFSET ?"
        return [_grid(r) for r in self._conn.execute(sql, (*params, *page(limit, offset)))]

    def count(self, *, level: GridLevel | None = None, parent_code: str | None = None, bbox: BBox | None = None) -> int:
        """Return how many grids match the filters."""
        where, params = _where(level, parent_code, bbox)
        return self._conn.execute(f"SELECT count(*) FROM grids{where}", params).fetchone()[0]

    def revision(self) -> int:
        """Return a number that changes whenever any grid changes."""
        return self._revisions.current(revisions.GRIDS)
