"""In-memory spatial indexes for the hot lookups: point to grids, nearest team, covering cameras."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import shapely
from shapely.strtree import STRtree

from gis.geometry import haversine_many_m, haversine_m, view_sector
from gis.models import Grid, GridLevel, GridPath

T = TypeVar("T")


class GridIndex:
    """Locates a WGS-84 point in the finest grid containing it and that grid's ancestors."""

    def __init__(self, grids: Iterable[Grid]) -> None:
        self._by_code = {g.code: g for g in grids}
        finest_level = max((g.level for g in self._by_code.values()), default=GridLevel.TOWN)
        self._leaves = sorted((g for g in self._by_code.values() if g.level == finest_level), key=lambda g: g.code)
        self._tree = STRtree([g.geometry for g in self._leaves])
        for leaf in self._leaves:
            shapely.prepare(leaf.geometry)

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Grid | None:
        """Return the grid with this code, if indexed."""
        return self._by_code.get(code)

    def locate(self, lon: float, lat: float) -> GridPath:
        """Return the codes of every grid containing (lon, lat), coarsest first."""
        hits = self._tree.query(shapely.Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return GridPath()
        # A point on a shared edge touches two leaves; the lowest code wins so the answer is stable.
        leaf = self._leaves[int(min(hits))]
        chain: list[str] = []
        grid: Grid | None = leaf
        while grid is not None and grid.code not in chain:
            chain.append(grid.code)
            grid = self._by_code.get(grid.parent_code) if grid.parent_code else None
        return GridPath(tuple(reversed(chain)))


@dataclass(frozen=True, slots=True)
class Ranked(Generic[T]):
    """An indexed item with its distance in metres from the query point."""

    item: T
    distance_m: float


class PointIndex(Generic[T]):
    """Ranks point items by straight-line distance; small enough sets that a vectorised scan beats a tree."""

    def __init__(self, items: Sequence[T], position: Callable[[T], tuple[float, float] | None]) -> None:
        located = [(item, position(item)) for item in items]
        self._items = [item for item, pos in located if pos is not None]
        self._lons = np.array([pos[0] for _, pos in located if pos is not None], dtype=float)
        self._lats = np.array([pos[1] for _, pos in located if pos is not None], dtype=float)

    def __len__(self) -> int:
        return len(self._items)

    def nearest(self, lon: float, lat: float, *, where: Callable[[T], bool] = lambda _: True, limit: int = 5) -> list[Ranked[T]]:
        """Return up to limit items passing where, nearest first."""
        if not self._items:
            return []
        distances = haversine_many_m(lon, lat, self._lons, self._lats)
        ranked: list[Ranked[T]] = []
        for i in np.argsort(distances, kind="stable"):
            item = self._items[int(i)]
            if where(item):
                ranked.append(Ranked(item, float(distances[i])))
                if len(ranked) >= limit:
                    break
        return ranked


class SectorIndex(Generic[T]):
    """Finds the items whose view sector covers a point (cameras that can see an incident)."""

    def __init__(self, items: Sequence[T], sector: Callable[[T], tuple[float, float, float, float, float]]) -> None:
        self._items = list(items)
        self._origins = [sector(item)[:2] for item in self._items]
        polygons = [view_sector(*sector(item)) for item in self._items]
        self._tree = STRtree(polygons)

    def __len__(self) -> int:
        return len(self._items)

    def covering(self, lon: float, lat: float, *, limit: int = 8) -> list[Ranked[T]]:
        """Return up to limit items whose sector contains (lon, lat), nearest first."""
        hits = self._tree.query(shapely.Point(lon, lat), predicate="intersects")
        ranked = [Ranked(self._items[int(i)], haversine_m(lon, lat, *self._origins[int(i)])) for i in hits]
        ranked.sort(key=lambda r: r.distance_m)
        return ranked[:limit]
