"""Heatmap bins and counts per grid of cases and alerts, in SQL both backends run alike (cases.spatial_stats)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cases.spatial_stats import BBox, BinPlane, GridCounts, Heatmap, HeatBin, Reach, StatsOf, fold_paths
from storage.contract import StorageError
from storage.sql.db import Condition, Db, equals, where
from storage.values import bbox_floats

# Table, time column and the column a category filter reads, per kind of record (constants, never caller input).
_SOURCES = {StatsOf.CASES: ("cases", "created_at", "category"), StatsOf.ALERTS: ("alerts", "raised_at", "sensor_kind")}


class SqlSpatialStatsRepository:
    """SpatialStatsRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _period(self, column: str, since: datetime | None, until: datetime | None) -> list[Condition | None]:
        d = self._d
        return [None if since is None else (f"{column} >= ?", [d.time_to_db(since, where="since")]),
                None if until is None else (f"{column} < ?", [d.time_to_db(until, where="until")])]

    def _reach(self, of: StatsOf, table: str, reach: Reach | None) -> list[Condition | None]:
        if reach is None:
            return []
        if reach.platform is not None and of is not StatsOf.CASES:
            raise StorageError(f"{of} have no platform: a reach by platform bounds cases only")
        grids: Condition | None = None
        if reach.any_grid is not None:
            grids = ("1 = 0", []) if not reach.any_grid else (
                self._d.path_overlaps(f"{table}.grid_path"), [self._d.path_to_db(tuple(reach.any_grid))])
        return [equals("platform", reach.platform), grids]

    def heatmap(self, *, of: StatsOf, since: datetime, until: datetime, cell_m: float, bbox: BBox | None = None,
                category: str | None = None, reach: Reach | None = None) -> Heatmap:
        """Return the non-empty bins of records in [since, until) on the plane of bbox (default: the records' extent)."""
        table, time_column, category_column = _SOURCES[StatsOf(of)]
        filters = [*self._period(time_column, since, until), equals(category_column, category),
                   *self._reach(StatsOf(of), table, reach)]
        if bbox is None:
            clause, params = where(*filters)
            row = self._db.one(f"SELECT min(lon) AS x0, min(lat) AS y0, max(lon) AS x1, max(lat) AS y1"
                               f" FROM {table}{clause}", params)
            if row is None or row["x0"] is None:
                return Heatmap(None, ())
            bbox = (row["x0"], row["y0"], row["x1"], row["y1"])
        else:
            bbox = bbox_floats(bbox)
            filters.append(self._d.point_in_bbox(bbox))
        plane = BinPlane.over(bbox, cell_m)
        clause, params = where(*filters)
        # The same arithmetic as BinPlane.cell_of, in the same order, so every backend cuts the same bins.
        ix = self._d.floor_int("(lon - ?) * ? / ?")
        iy = self._d.floor_int("(lat - ?) * ? / ?")
        x_params = [plane.lon0, plane.east_m, plane.cell_m] * ix.count("(lon - ?)")
        y_params = [plane.lat0, plane.north_m, plane.cell_m] * iy.count("(lat - ?)")
        rows = self._db.execute(
            f"SELECT ix, iy, count(*) AS n FROM (SELECT {ix} AS ix, {iy} AS iy FROM {table}{clause}) AS binned"
            " GROUP BY ix, iy ORDER BY iy, ix", [*x_params, *y_params, *params]).fetchall()
        return Heatmap(plane, tuple(HeatBin(int(r["ix"]), int(r["iy"]), *plane.centre(int(r["ix"]), int(r["iy"])),
                                            int(r["n"])) for r in rows))

    def counts_by_grid(self, *, of: StatsOf, level: int | None = None, since: datetime | None = None,
                       until: datetime | None = None, reach: Reach | None = None) -> GridCounts:
        """Return counts per grid (up the hierarchy) of records in [since, until), from one grouped query."""
        table, time_column, _ = _SOURCES[StatsOf(of)]
        clause, params = where(*self._period(time_column, since, until), *self._reach(StatsOf(of), table, reach))
        rows: list[Any] = self._db.execute(
            f"SELECT grid_path, count(*) AS n FROM {table}{clause} GROUP BY grid_path", params).fetchall()
        return fold_paths([(self._d.path_from_db(r["grid_path"]), int(r["n"])) for r in rows], level=level)
