"""Heavy spatial questions over cases and alerts, answered by the store: heatmap bins and counts per grid.

Binning is defined once, here, so every backend gives the same bins: a plane tangent at the bbox's south-west
corner, x = (lon - lon0) * east, y = (lat - lat0) * north, with east and north the WGS-84 metres per degree at the
bbox's middle latitude; bin (ix, iy) = (floor(x / cell_m), floor(y / cell_m)). Over a town (tens of kilometres) the
plane is true to about 0.1 %, so a 250 m bin is 250 m within 25 cm.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

import numpy as np

from gis.geometry import metres_per_degree

BBox = tuple[float, float, float, float]


class StatsOf(StrEnum):
    """What is counted: cases (by created_at, category) or alerts (by raised_at, sensor kind as their category)."""

    CASES = "cases"
    ALERTS = "alerts"


@dataclass(frozen=True, slots=True)
class BinPlane:
    """The metric plane of a heatmap: origin (south-west corner), metres per degree east and north, cell size."""

    lon0: float
    lat0: float
    east_m: float
    north_m: float
    cell_m: float

    @classmethod
    def over(cls, bbox: BBox, cell_m: float) -> BinPlane:
        """Return the plane at the bbox's south-west corner, scaled at its middle latitude."""
        min_lon, min_lat, _max_lon, max_lat = bbox
        east, north = (float(v) for v in metres_per_degree(np.array((min_lat + max_lat) / 2)))
        return cls(min_lon, min_lat, east, north, float(cell_m))

    def cell_of(self, lon: float, lat: float) -> tuple[int, int]:
        """Return the bin of a point, as the store computes it (same expression, same order of operations)."""
        return (math.floor((lon - self.lon0) * self.east_m / self.cell_m),
                math.floor((lat - self.lat0) * self.north_m / self.cell_m))

    def centre(self, ix: int, iy: int) -> tuple[float, float]:
        """Return the WGS-84 (lon, lat) of a bin's centre."""
        return (self.lon0 + (ix + 0.5) * self.cell_m / self.east_m, self.lat0 + (iy + 0.5) * self.cell_m / self.north_m)

    def bins_across(self, bbox: BBox) -> int:
        """Return how many bins cover the bbox (for caps)."""
        min_lon, min_lat, max_lon, max_lat = bbox
        return (math.floor((max_lon - min_lon) * self.east_m / self.cell_m) + 1) * (
            math.floor((max_lat - min_lat) * self.north_m / self.cell_m) + 1)


@dataclass(frozen=True, slots=True)
class Reach:
    """Bounds on the records counted: a platform (cases only; alerts have none) and grids any of which they lie in.

    None means no bound; an empty tuple of grids matches nothing (as access.policy.CaseReach).
    """

    platform: str | None = None
    any_grid: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class HeatBin:
    """One non-empty heatmap bin: its indexes on the plane, its centre in WGS-84 and how many records fell in it."""

    ix: int
    iy: int
    lon: float
    lat: float
    count: int


@dataclass(frozen=True, slots=True)
class Heatmap:
    """The bins of a period (non-empty ones, by iy then ix) and the plane they were cut on."""

    plane: BinPlane | None
    bins: tuple[HeatBin, ...]

    @property
    def total(self) -> int:
        """Return how many records the bins hold."""
        return sum(b.count for b in self.bins)


@dataclass(frozen=True, slots=True)
class GridCount:
    """How many records lie in one grid, its finer grids included; level is the depth in the path (1 = coarsest)."""

    code: str
    level: int
    count: int


@dataclass(frozen=True, slots=True)
class GridCounts:
    """Counts per grid, how many lay outside every grid (empty path, kept and counted), and the total."""

    total: int
    outside: int
    grids: tuple[GridCount, ...]


def fold_paths(rows: Sequence[tuple[tuple[str, ...], int]], *, level: int | None) -> GridCounts:
    """Add each (path, count) row to every grid on its path (a town counts its villages'), keep one level or all."""
    counts: dict[str, int] = {}
    levels: dict[str, int] = {}
    total = outside = 0
    for path, count in rows:
        total += count
        if not path:
            outside += count
        for depth, code in enumerate(path, start=1):
            counts[code] = counts.get(code, 0) + count
            levels[code] = depth
    grids = tuple(GridCount(code, levels[code], counts[code]) for code in sorted(counts)
                  if level is None or levels[code] == level)
    return GridCounts(total, outside, grids)


class SpatialStatsRepository(Protocol):
    def heatmap(self, *, of: StatsOf, since: datetime, until: datetime, cell_m: float, bbox: BBox | None = None,
                category: str | None = None, reach: Reach | None = None) -> Heatmap:
        """Return the non-empty bins of records in [since, until) on the plane of bbox (default: the records' extent).

        reach bounds what is counted (a caller who may see only some cases sees only their bins).
        """
        ...

    def counts_by_grid(self, *, of: StatsOf, level: int | None = None, since: datetime | None = None,
                       until: datetime | None = None, reach: Reach | None = None) -> GridCounts:
        """Return counts per grid (up the hierarchy) of records in [since, until), from one grouped query."""
        ...
