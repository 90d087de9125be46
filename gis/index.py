"""In-memory spatial indexes for the hot lookups: point to grids, nearest team, covering cameras."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import shapely
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from gis.errors import GisError
from gis.geometry import haversine_many_m, metres_per_degree
from gis.models import Grid, GridPath

T = TypeVar("T")


class GridIndex:
    """Locates a WGS-84 point in the finest grid containing it and that grid's ancestors."""

    def __init__(self, grids: Iterable[Grid]) -> None:
        """Index the grids of any depth: the leaves are the grids without children, whatever their level.

        A village split deeper and one left whole are both located to their finest grid. A parent's area that
        none of its children covers (a gap in a surveyor's file) is indexed after every leaf as that parent, so
        a point there is located to the parent, and a point on a leaf's edge still goes to the leaf.
        """
        self._by_code = {g.code: g for g in grids}
        parents = {g.parent_code for g in self._by_code.values() if g.parent_code in self._by_code}
        leaves = sorted((g for g in self._by_code.values() if g.code not in parents), key=lambda g: g.code)
        shapes = [g.geometry for g in leaves]
        uncovered = _uncovered_parts(self._by_code, parents)
        # The position in the tree is the rank: leaves by code first, then parents' gaps (finest, then lowest code).
        self._leaves = leaves + [grid for grid, _ in uncovered]
        self._tree = STRtree(shapes + [part for _, part in uncovered])
        for shape in self._tree.geometries:
            shapely.prepare(shape)
        # Leaf codes and paths by tree index, built once so bulk lookups are array indexing, not a walk per point.
        self._leaf_codes = np.array([leaf.code for leaf in self._leaves] + [""], dtype=object)
        self._leaf_paths = np.empty(len(self._leaves) + 1, dtype=object)
        self._leaf_paths[:] = [self._path(leaf) for leaf in self._leaves] + [GridPath()]

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
        return self._path(self._leaves[int(min(hits))])

    def locate_many(self, lons: Sequence[float] | np.ndarray, lats: Sequence[float] | np.ndarray) -> np.ndarray:
        """Return the finest grid code of each point (object array), "" for a point outside every grid.

        Same answers as locate point by point (shared edge: lowest code), in one bulk tree query.
        """
        return self._leaf_codes[self._leaf_slots(lons, lats)]

    def locate_paths_many(self, lons: Sequence[float] | np.ndarray,
                          lats: Sequence[float] | np.ndarray) -> np.ndarray:
        """Return the GridPath of each point (object array), an empty GridPath outside every grid."""
        return self._leaf_paths[self._leaf_slots(lons, lats)]

    def _leaf_slots(self, lons: Sequence[float] | np.ndarray, lats: Sequence[float] | np.ndarray) -> np.ndarray:
        """Return each point's leaf index, len(leaves) for a point outside every leaf (NaN included)."""
        try:
            xs, ys = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        except (TypeError, ValueError) as exc:
            raise GisError(f"locate_many: coordinates must be numbers: {exc}") from None
        if xs.ndim != 1 or ys.ndim != 1 or xs.shape != ys.shape:
            raise GisError(f"locate_many: lons and lats must be 1-D and of one length, got {xs.shape} and {ys.shape}")
        miss = len(self._leaves)
        slots = np.full(xs.shape[0], miss, dtype=np.intp)
        if xs.shape[0] == 0 or miss == 0:
            return slots
        points, leaves = self._tree.query(shapely.points(xs, ys), predicate="intersects")
        # A point on a shared edge has a pair per leaf it touches; the lowest index (lowest code) wins, as in locate.
        np.minimum.at(slots, points, leaves)
        return slots

    def _path(self, leaf: Grid) -> GridPath:
        """Return the codes from the town down to this leaf, coarsest first."""
        chain: list[str] = []
        grid: Grid | None = leaf
        while grid is not None and grid.code not in chain:
            chain.append(grid.code)
            grid = self._by_code.get(grid.parent_code) if grid.parent_code else None
        return GridPath(tuple(reversed(chain)))


def _uncovered_parts(by_code: dict[str, Grid], parents: set[str | None]) -> list[tuple[Grid, BaseGeometry]]:
    """Return each parent grid with the part of it no child covers, finest parents first, then by code."""
    children: dict[str, list[BaseGeometry]] = {}
    for grid in by_code.values():
        if grid.parent_code in parents:
            children.setdefault(grid.parent_code, []).append(grid.geometry)
    found = []
    for code in sorted(children, key=lambda c: (-by_code[c].level, c)):
        parent = by_code[code]
        try:
            rest = shapely.difference(parent.geometry, shapely.union_all(children[code]))
        except GEOSException:
            continue  # an invalid shape cannot be differenced; its leaves still locate
        # Noded coverages leave nothing or only slivers of rounding; a real gap keeps an area.
        if not rest.is_empty and rest.area > 0:
            found.append((parent, rest))
    return found


@dataclass(frozen=True, slots=True)
class Ranked(Generic[T]):
    """An indexed item with its distance in metres from the query point."""

    item: T
    distance_m: float


class PointIndex(Generic[T]):
    """Ranks point items by straight-line distance; small enough sets that a vectorised scan beats a tree."""

    def __init__(self, items: Sequence[T], position: Callable[[T], tuple[float, float] | None],
                 key: Callable[[T], object] | None = None) -> None:
        located = [(item, position(item)) for item in items]
        self._position = position
        self._key = key
        self._items = [item for item, pos in located if pos is not None]
        self._lons = np.array([pos[0] for _, pos in located if pos is not None], dtype=float)
        self._lats = np.array([pos[1] for _, pos in located if pos is not None], dtype=float)
        self._slots = {key(item): i for i, item in enumerate(self._items)} if key is not None else {}

    def __len__(self) -> int:
        return len(self._items)

    def with_moved(self, items: Iterable[T]) -> PointIndex[T] | None:
        """Return a copy with these items in place of those of the same key, or None when one is new or unplaced.

        Copy, not mutate: a reader ranking on another thread keeps a consistent index. Copying a few thousand
        floats costs microseconds; building every item again from the store is what a move must not cost.
        """
        if self._key is None:
            return None
        moved = type(self)([], self._position, self._key)
        moved._items, moved._slots = list(self._items), self._slots
        moved._lons, moved._lats = self._lons.copy(), self._lats.copy()
        for item in items:
            slot, pos = self._slots.get(self._key(item)), self._position(item)
            if slot is None or pos is None:
                return None
            moved._items[slot] = item
            moved._lons[slot], moved._lats[slot] = pos
        return moved

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


# Ranking: a point at the edge of a fixed camera's frame counts as this much further away than one in its centre.
OFF_AXIS_PENALTY_M = 100.0
# Closer than this the bearing to the point means nothing: the camera stands on it.
AT_CAMERA_M = 0.5


@dataclass(frozen=True, slots=True)
class Coverage(Generic[T]):
    """An item whose view covers the query point, and how: distance, bearing to the point, angle off its axis.

    turn_to_deg is the bearing a turnable (PTZ) camera must turn to, None for a fixed one; off_axis_deg is 0 for a
    turnable camera (after turning). score = distance_m + OFF_AXIS_PENALTY_M * off_axis_deg / (fov_deg / 2):
    lower is better, so nearer and more central views rank first.
    """

    item: T
    distance_m: float
    bearing_to_point_deg: float
    off_axis_deg: float
    turn_to_deg: float | None
    score: float


class SectorIndex(Generic[T]):
    """Finds the items whose view sector covers a point (cameras that can see an incident).

    A vectorised scan over a few thousand sectors beats a tree of polygons: distance and bearing come from a
    local plane scaled by the WGS-84 radii at each camera (centimetre-exact at camera ranges), and a point is
    covered when it is within range and within half the field of view of the bearing (any bearing at 360°).
    """

    def __init__(self, items: Sequence[T], sector: Callable[[T], tuple[float, float, float, float, float]],
                 *, turnable: Callable[[T], bool] | None = None) -> None:
        self._items = list(items)
        views = np.array([sector(item) for item in self._items], dtype=float).reshape(-1, 5)
        self._lons, self._lats, self._bearings, fovs, ranges = views.T
        self._half_fov = np.minimum(fovs, 360.0) / 2
        self._range2 = ranges**2
        self._east, self._north = metres_per_degree(self._lats)
        # A 360° view or a turnable mount sees the point whatever its bearing.
        self._turnable = np.array([turnable(item) if turnable else False for item in self._items], dtype=bool)
        self._all_round = (fovs >= 360) | self._turnable

    def __len__(self) -> int:
        return len(self._items)

    def hits(self, lon: float, lat: float) -> list[Coverage[T]]:
        """Return every item whose view covers (lon, lat), unordered."""
        if not self._items:
            return []
        dx = (lon - self._lons) * self._east
        dy = (lat - self._lats) * self._north
        near = np.flatnonzero(dx * dx + dy * dy <= self._range2)
        if near.size == 0:
            return []
        dx, dy = dx[near], dy[near]
        distance = np.hypot(dx, dy)
        bearing = np.degrees(np.arctan2(dx, dy)) % 360.0
        off_axis = np.abs((bearing - self._bearings[near] + 180.0) % 360.0 - 180.0)
        off_axis[distance < AT_CAMERA_M] = 0.0
        all_round = self._all_round[near]
        seen = all_round | (off_axis <= self._half_fov[near])
        off_axis[all_round] = 0.0
        score = distance + OFF_AXIS_PENALTY_M * off_axis / np.maximum(self._half_fov[near], 1e-9)
        return [
            Coverage(self._items[int(near[k])], float(distance[k]), float(bearing[k]), float(off_axis[k]),
                     float(bearing[k]) if self._turnable[near[k]] else None, float(score[k]))
            for k in np.flatnonzero(seen)
        ]

    def covering(self, lon: float, lat: float, *, limit: int = 8,
                 tier: Callable[[T], int] | None = None) -> list[Coverage[T]]:
        """Return up to limit items whose view covers (lon, lat), best first (lower tier, then lower score)."""
        return rank(self.hits(lon, lat), limit=limit, tier=tier)


def rank(hits: Iterable[Coverage[T]], *, limit: int | None = None,
         tier: Callable[[T], int] | None = None) -> list[Coverage[T]]:
    """Order coverages by tier (e.g. healthy before unhealthy), then by score, then distance; keep limit."""
    ordered = sorted(hits, key=lambda c: (tier(c.item) if tier else 0, c.score, c.distance_m))
    return ordered if limit is None else ordered[:limit]
