"""The map's cases as points or clusters, and the search box's text matches, in SQL both backends run alike."""

from __future__ import annotations

from typing import Any

from cases.lifecycle import FINISHED
from cases.map_view import UNROUTED, CaseCluster, CaseHit, CasePoint, MapFilter
from cases.spatial_stats import Reach
from storage.sql.db import Condition, Db, equals, where
from storage.values import bbox_floats

_FINISHED = tuple(sorted(str(s) for s in FINISHED))


def like_pattern(text: str) -> str:
    """Return a LIKE pattern matching text anywhere, its wildcards taken literally (ESCAPE '\\')."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlMapRepository:
    """MapRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _reach(self, reach: Reach | None) -> list[Condition | None]:
        if reach is None:
            return []
        grids: Condition | None = None
        if reach.any_grid is not None:
            grids = ("1 = 0", []) if not reach.any_grid else (
                self._d.path_overlaps("cases.grid_path"), [self._d.path_to_db(tuple(reach.any_grid))])
        return [equals("platform", reach.platform), grids]

    def _where(self, chosen: MapFilter) -> tuple[str, list[Any]]:
        finished = (f"status NOT IN ({', '.join('?' * len(_FINISHED))})", list(_FINISHED))
        return where(self._d.point_in_bbox(bbox_floats(chosen.bbox)), equals("status", chosen.status),
                     equals("platform", chosen.platform), equals("category", chosen.category),
                     finished if chosen.open_only else None, *self._reach(chosen.reach))

    def count_cases(self, chosen: MapFilter) -> int:
        """Return how many cases the filter chooses."""
        clause, params = self._where(chosen)
        return int(self._db.scalar(f"SELECT count(*) FROM cases{clause}", params))

    def case_points(self, chosen: MapFilter, *, limit: int) -> list[CasePoint]:
        """Return at most limit chosen cases, by id."""
        clause, params = self._where(chosen)
        rows = self._db.execute(f"SELECT id, lon, lat, status, platform, priority, category, title FROM cases{clause}"
                                " ORDER BY id LIMIT ?", [*params, limit]).fetchall()
        return [CasePoint(int(r["id"]), float(r["lon"]), float(r["lat"]), r["status"], r["platform"] or None,
                          r["priority"] or "", r["category"], r["title"]) for r in rows]

    def case_clusters(self, chosen: MapFilter, *, cell_deg: float) -> list[CaseCluster]:
        """Return the non-empty cells of the chosen cases from one query grouped by cell, status and platform."""
        clause, params = self._where(chosen)
        ix, iy = self._d.floor_int("lon / ?"), self._d.floor_int("lat / ?")
        cell = [float(cell_deg)]
        rows = self._db.execute(
            "SELECT ix, iy, status, platform, count(*) AS n, sum(lon) AS sx, sum(lat) AS sy, min(lon) AS x0,"
            " min(lat) AS y0, max(lon) AS x1, max(lat) AS y1"
            f" FROM (SELECT {ix} AS ix, {iy} AS iy, status, platform, lon, lat FROM cases{clause}) AS binned"
            " GROUP BY ix, iy, status, platform",
            [*cell * ix.count("?"), *cell * iy.count("?"), *params]).fetchall()
        # Fold the (cell, status, platform) groups into cells: a few rows per cell, never one per case.
        cells: dict[tuple[int, int], dict[str, Any]] = {}
        for r in rows:
            key = (int(r["ix"]), int(r["iy"]))
            c = cells.setdefault(key, {"n": 0, "sx": 0.0, "sy": 0.0, "box": [r["x0"], r["y0"], r["x1"], r["y1"]],
                                       "status": {}, "platform": {}})
            n = int(r["n"])
            c["n"] += n
            c["sx"] += float(r["sx"])
            c["sy"] += float(r["sy"])
            box = c["box"]
            c["box"] = [min(box[0], r["x0"]), min(box[1], r["y0"]), max(box[2], r["x1"]), max(box[3], r["y1"])]
            c["status"][r["status"]] = c["status"].get(r["status"], 0) + n
            platform = r["platform"] or UNROUTED
            c["platform"][platform] = c["platform"].get(platform, 0) + n
        return [CaseCluster(ix, iy, c["sx"] / c["n"], c["sy"] / c["n"], c["n"], dict(sorted(c["status"].items())),
                            dict(sorted(c["platform"].items())), tuple(float(v) for v in c["box"]))  # type: ignore[arg-type]
                for (ix, iy), c in sorted(cells.items(), key=lambda kv: (kv[0][1], kv[0][0]))]

    def search_cases(self, text: str, *, reach: Reach | None, limit: int) -> list[CaseHit]:
        """Return cases whose title or description contains text (case-insensitive), newest first."""
        pattern = like_pattern(text)
        clause, params = where(("(lower(title) LIKE ? ESCAPE '\\' OR lower(description) LIKE ? ESCAPE '\\')",
                                [pattern, pattern]), *self._reach(reach))
        rows = self._db.execute(f"SELECT id, title, lon, lat FROM cases{clause} ORDER BY created_at DESC, id DESC"
                                " LIMIT ?", [*params, limit]).fetchall()
        return [CaseHit(int(r["id"]), r["title"], float(r["lon"]), float(r["lat"])) for r in rows]

    def search_grids(self, text: str, *, limit: int) -> list[str]:
        """Return codes of grids whose name or code contains text (case-insensitive), coarsest first."""
        pattern = like_pattern(text)
        rows = self._db.execute("SELECT code FROM grids WHERE lower(name) LIKE ? ESCAPE '\\'"
                                " OR lower(code) LIKE ? ESCAPE '\\' ORDER BY level, code LIMIT ?",
                                [pattern, pattern, limit]).fetchall()
        return [r["code"] for r in rows]
