"""Grids in PostGIS: geometry(Geometry, 4326) with a GIST index, filtered by ST_Intersects."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from psycopg import Connection

from gis.models import Grid, GridLevel
from storage import revisions
from storage.postgis.codec import geometry_from_db, geometry_to_db
from storage.revisions import PendingRevisions
from storage.values import BBox, bbox_floats, page

_COLUMNS = "code, name, level, parent_code, staff, ST_AsBinary(geom) AS wkb"


def _grid(row: dict[str, Any]) -> Grid:
    return Grid(code=row["code"], name=row["name"], level=GridLevel(row["level"]), parent_code=row["parent_code"],
                geometry=geometry_from_db(row["wkb"]), staff=row["staff"])


def _where(level: GridLevel | None, parent_code: str | None, bbox: BBox | None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if level is not None:
        clauses.append("level = %s")
        params.append(int(level))
    if parent_code is not None:
        clauses.append("parent_code = %s")
        params.append(parent_code)
    if bbox is not None:
        clauses.append("ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 4326))")
        params += list(bbox_floats(bbox))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class PostgisGridRepository:
    """GridRepository over one psycopg connection."""

    def __init__(self, conn: Connection[Any], pending: PendingRevisions) -> None:
        self._conn = conn
        self._revisions = pending

    def upsert_many(self, grids: Iterable[Grid]) -> int:
        """Insert or overwrite grids by code; return how many were written."""
        rows = [(g.code, g.name, int(g.level), g.parent_code, g.staff, geometry_to_db(g.geometry, where=f"grid {g.code}"))
                for g in grids]
        if not rows:
            return 0
        with self._conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO grids (code, name, level, parent_code, staff, geom)"
                " VALUES (%s, %s, %s, %s, %s, ST_GeomFromWKB(%s, 4326))"
                " ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,"
                " parent_code = excluded.parent_code, staff = excluded.staff, geom = excluded.geom",
                rows,
            )
        self._revisions.touch(revisions.GRIDS)
        return len(rows)

    def get(self, code: str) -> Grid | None:
        """Return the grid with this code, or None."""
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM grids WHERE code = %s", (code,)).fetchone()
        return None if row is None else _grid(row)

    def all(self) -> list[Grid]:
        """Return every grid ordered by code."""
        return [_grid(r) for r in self._conn.execute(f"SELECT {_COLUMNS} FROM grids ORDER BY code")]

    def list(self, *, level: GridLevel | None = None, parent_code: str | None = None, bbox: BBox | None = None,
             limit: int = 100, offset: int = 0) -> list[Grid]:
        """Return grids ordered by code; bbox is (min_lon, min_lat, max_lon, max_lat) in WGS-84."""
        where, params = _where(level, parent_code, bbox)
        sql = f"SELECT {_COLUMNS} FROM grids{where} ORDER BY code LIMIT %s OFFSET %s"
        return [_grid(r) for r in self._conn.execute(sql, (*params, *page(limit, offset)))]

    def count(self, *, level: GridLevel | None = None, parent_code: str | None = None, bbox: BBox | None = None) -> int:
        """Return how many grids match the filters."""
        where, params = _where(level, parent_code, bbox)
        return self._conn.execute(f"SELECT count(*) AS n FROM grids{where}", params).fetchone()["n"]

    def revision(self) -> int:
        """Return a number that changes whenever any grid changes."""
        return self._revisions.current(revisions.GRIDS)
