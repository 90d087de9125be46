"""Grids: shapes as WKB, stored and filtered by place the way the dialect says."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from gis.models import Grid, GridLevel, GridSet, GridStaff
from storage import revisions
from storage.revisions import PendingRevisions
from storage.sql.db import Db, equals, upsert_set, where
from storage.values import BBox, flat_shape, page, shape_from_wkb

_KEY_COLUMNS = ("code", "name", "level", "parent_code", "staff")


def _grid(row: Any) -> Grid:
    return Grid(code=row["code"], name=row["name"], level=GridLevel(row["level"]), parent_code=row["parent_code"],
                geometry=shape_from_wkb(row["wkb"]), staff=row["staff"])


class SqlGridRepository:
    """GridRepository over one connection."""

    def __init__(self, db: Db, pending: PendingRevisions) -> None:
        self._db = db
        self._d = db.dialect
        self._revisions = pending
        self._select = f"SELECT {', '.join(_KEY_COLUMNS)}, {self._d.grid_shape_select} FROM grids"

    def _where(self, level: GridLevel | None, parent_code: str | None, bbox: BBox | None) -> tuple[str, list[Any]]:
        return where(equals("level", level, int), equals("parent_code", parent_code),
                     None if bbox is None else self._d.grid_in_bbox(bbox))

    def upsert_many(self, grids: Iterable[Grid]) -> int:
        """Insert or overwrite grids by code; return how many were written."""
        rows = [(g.code, g.name, int(g.level), g.parent_code, g.staff,
                 *self._d.grid_shape_to_db(flat_shape(g.geometry, where=f"grid {g.code}"))) for g in grids]
        if not rows:
            return 0
        columns = (*_KEY_COLUMNS, *self._d.grid_shape_columns)
        self._db.many(
            f"INSERT INTO grids ({', '.join(columns)}) VALUES (?, ?, ?, ?, ?, {self._d.grid_shape_params})"
            f" ON CONFLICT (code) DO UPDATE SET {upsert_set(columns[1:])}",
            rows,
        )
        self._revisions.touch(revisions.GRIDS)
        return len(rows)

    def replace_all(self, grids: Iterable[Grid]) -> int:
        """Make these the only grids (another town's are deleted); return how many were written."""
        # Cases keep their grid_path as text, so nothing refers to a grid row.
        self._db.execute("DELETE FROM grids")
        self._revisions.touch(revisions.GRIDS)
        return self.upsert_many(grids)

    def get(self, code: str) -> Grid | None:
        """Return the grid with this code, or None."""
        row = self._db.one(f"{self._select} WHERE code = ?", (code,))
        return None if row is None else _grid(row)

    def all(self) -> list[Grid]:
        """Return every grid ordered by code."""
        return [_grid(r) for r in self._db.execute(f"{self._select} ORDER BY code")]

    def list(self, *, level: GridLevel | None = None, parent_code: str | None = None, bbox: BBox | None = None,
             limit: int = 100, offset: int = 0) -> list[Grid]:
        """Return grids ordered by code; bbox is (min_lon, min_lat, max_lon, max_lat) in WGS-84."""
        clause, params = self._where(level, parent_code, bbox)
        sql = f"{self._select}{clause} ORDER BY code LIMIT ? OFFSET ?"
        return [_grid(r) for r in self._db.execute(sql, (*params, *page(limit, offset)))]

    def count(self, *, level: GridLevel | None = None, parent_code: str | None = None, bbox: BBox | None = None) -> int:
        """Return how many grids match the filters."""
        clause, params = self._where(level, parent_code, bbox)
        return self._db.scalar(f"SELECT count(*) FROM grids{clause}", params)

    def revision(self) -> int:
        """Return a number that changes whenever any grid changes."""
        return self._revisions.current(revisions.GRIDS)

    def replace_set(self, grids: Iterable[Grid], *, source: str, note: str = "", created_at: datetime) -> GridSet:
        """Keep the active set as an earlier version and make these grids the active set, in the caller's unit of work."""
        raise NotImplementedError("grid sets: issue 10, storage helper")

    def sets(self) -> list[GridSet]:
        """Return every grid set, newest first; the first is the active one."""
        raise NotImplementedError("grid sets: issue 10, storage helper")

    def set_grids(self, set_id: int) -> list[Grid]:
        """Return the grids of one set (active or earlier), ordered by code."""
        raise NotImplementedError("grid sets: issue 10, storage helper")

    def set_staff(self, code: str, staff: Sequence[GridStaff]) -> None:
        """Make these the grid's staff (kept by code, so they survive a new set that keeps the code)."""
        raise NotImplementedError("grid staff: issue 10, storage helper")
