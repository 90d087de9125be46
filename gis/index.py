"""In-memory spatial indexes for the hot lookups: point to grids, nearest team, covering cameras."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import shapely
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from gis.errors import GisError
from gis.geometry import bbox_around, haversine_many_m, metres_per_degree
from gis.leaf_raster import LeafRaster
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
        """Return the codes of every grid containing (lon, lat), coarsest first.

        A point on a shared edge touches two leaves; the lowest code wins so the answer is stable (see
        gis.leaf_raster, which answers most points from a raster cell without a polygon test).
        """
        return self._leaf_paths[self._raster().slot(lon, lat)]

    def locate_many(self, lons: Sequence[float] | np.ndarray, lats: Sequence[float] | np.ndarray) -> np.ndarray:
        """Return the finest grid code of each point (object array), "" for a point outside every grid.

        Same answers as locate point by point (shared edge: lowest code): most points by one raster lookup, the
        points of cells a boundary crosses by one bulk tree query and the exact test (gis.leaf_raster).
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
        return self._raster().slots(xs, ys)

    def _path(self, leaf: Grid) -> GridPath:
        """Return the codes from the town down to this leaf, coarsest first."""
        chain: list[str] = []
        grid: Grid | None = leaf
        while grid is not None and grid.code not in chain:
            chain.append(grid.code)
            grid = self._by_code.get(grid.parent_code) if grid.parent_code else None
        return GridPath(tuple(reversed(chain)))

    # Issue 10, lookups: built on first use from the leaves and grids __init__ indexed, then kept (an index is
    # rebuilt, never changed, when grids change). Two threads building at once both get an equal answer.
    def _raster(self) -> LeafRaster:
        raster = self.__dict__.get("_leaf_raster")
        if raster is None:
            raster = self.__dict__["_leaf_raster"] = LeafRaster(list(self._tree.geometries), self._tree)
        return raster

    def prepare(self) -> GridIndex:
        """Build the lookup raster now (tens of milliseconds for a town), not in the first lookup; return self."""
        self._raster()
        return self

    def _grids_tree(self) -> tuple[list[Grid], STRtree]:
        built = self.__dict__.get("_all_grids_tree")
        if built is None:
            grids = sorted(self._by_code.values(), key=lambda g: g.code)
            built = self.__dict__["_all_grids_tree"] = (grids, STRtree([g.geometry for g in grids]))
        return built

    def in_bbox(self, bbox: tuple[float, float, float, float], *, level: int | None = None) -> list[Grid]:
        """Return the grids (of one level, or all) whose outline meets the WGS-84 bbox, ordered by code."""
        min_lon, min_lat, max_lon, max_lat = _check_bbox(bbox)
        grids, tree = self._grids_tree()
        hits = tree.query(shapely.box(min_lon, min_lat, max_lon, max_lat), predicate="intersects")
        return [grids[i] for i in sorted(hits.tolist()) if level is None or grids[i].level == level]

    def nearest(self, lon: float, lat: float, k: int = 1, *, level: int | None = None) -> list[Ranked[Grid]]:
        """Return the k grids (leaves, or of one level) nearest to a WGS-84 point, nearest first, distance in metres.

        A grid containing the point is at 0 m. Distances are measured on a plane tangent at the point (metres per
        degree of the WGS-84 ellipsoid there): within 0.1 % for tens of kilometres, which is what "how far outside
        the town" needs. Ties go to the lower code.
        """
        if k < 1:
            raise GisError(f"nearest: k must be at least 1, got {k}")
        grids = self._leaves if level is None else [g for g in self._grids_tree()[0] if g.level == level]
        if not grids:
            return []
        geoms = np.array([g.geometry for g in grids], dtype=object)
        degrees = shapely.distance(shapely.Point(lon, lat), geoms)
        east, north = (float(v) for v in metres_per_degree(np.array(lat)))
        low, high = min(east, north), max(east, north)
        # Metres lie between low and high times the degree distance: keep every grid that could be among the k.
        cutoff = np.partition(degrees, min(k, len(grids)) - 1)[min(k, len(grids)) - 1] * high
        keep = np.flatnonzero(degrees * low <= cutoff * (1 + 1e-12))
        local = shapely.transform(geoms[keep], lambda xy: (xy - (lon, lat)) * (east, north))
        metres = shapely.distance(shapely.Point(0.0, 0.0), local)
        order = sorted(range(keep.size), key=lambda i: (float(metres[i]), grids[int(keep[i])].code))[:k]
        return [Ranked(grids[int(keep[i])], float(metres[i])) for i in order]


def _uncovered_parts(by_code: dict[str, Grid], parents: set[str | None]) -> list[tuple[Grid, BaseGeometry]]:
    """Return each parent grid with the part of it no child covers, finest parents first, then by code."""
    children: dict[str, list[BaseGeometry]] = {}
    for grid in by_code.values():
        if grid.parent_code in parents:
            children.setdefault(grid.parent_code, []).append(grid.geometry)
    found = []
    for code in sorted(children, key=lambda c: (-by_code[c].level, c)):
        parent = by_code[code]
        # Children whose areas add up to their parent's leave no gap worth a union (the costly step); an import's
        # validation has already refused children that overlap or reach outside.
        covered = sum(shape.area for shape in children[code])
        if abs(parent.geometry.area - covered) <= 1e-9 * parent.geometry.area:
            continue
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
        """Return up to limit items passing where, nearest first (equal distances: the earlier item first)."""
        if not self._items or limit < 1:
            return []
        distances = haversine_many_m(lon, lat, self._lons, self._lats)
        return self._ranked(distances, np.arange(distances.size), where, limit)

    def within(self, lon: float, lat: float, radius_m: float, *, where: Callable[[T], bool] = lambda _: True,
               limit: int | None = None) -> list[Ranked[T]]:
        """Return the items passing where no further than radius_m (haversine metres) from (lon, lat), nearest first."""
        if radius_m < 0 or not np.isfinite(radius_m):
            raise GisError(f"within: radius_m must be a finite number >= 0, got {radius_m}")
        if not self._items:
            return []
        # A box in degrees first (cheap), then the exact distance on the few inside it.
        min_lon, min_lat, max_lon, max_lat = bbox_around(lon, lat, radius_m)
        box = np.flatnonzero((self._lons >= min_lon) & (self._lons <= max_lon)
                             & (self._lats >= min_lat) & (self._lats <= max_lat))
        distances = haversine_many_m(lon, lat, self._lons[box], self._lats[box])
        close = distances <= radius_m
        return self._ranked(distances[close], box[close], where, len(box) if limit is None else limit)

    def in_bbox(self, bbox: tuple[float, float, float, float], *, where: Callable[[T], bool] = lambda _: True) -> list[T]:
        """Return the items passing where that lie in the WGS-84 bbox (edges included), in index order."""
        min_lon, min_lat, max_lon, max_lat = _check_bbox(bbox)
        inside = np.flatnonzero((self._lons >= min_lon) & (self._lons <= max_lon)
                                & (self._lats >= min_lat) & (self._lats <= max_lat))
        return [item for item in (self._items[int(i)] for i in inside) if where(item)]

    def _ranked(self, distances: np.ndarray, slots: np.ndarray, where: Callable[[T], bool], limit: int) -> list[Ranked[T]]:
        """Return up to limit of these items passing where, nearest first, ties by slot.

        A full sort costs n log n per query; argpartition finds the k nearest in O(n), and k grows fourfold only
        while the filter rejects too many of them.
        """
        n = distances.size
        if limit < 1:
            return []
        k = min(limit, n)
        while True:
            if k >= n:
                chosen = np.arange(n)
            else:
                # Every item at the k-th distance is kept, so ties break by slot as a full stable sort would.
                kth = distances[np.argpartition(distances, k - 1)[k - 1]]
                chosen = np.flatnonzero(distances <= kth)
            ordered = chosen[np.lexsort((slots[chosen], distances[chosen]))]
            ranked: list[Ranked[T]] = []
            for i in ordered:
                item = self._items[int(slots[i])]
                if where(item):
                    ranked.append(Ranked(item, float(distances[i])))
                    if len(ranked) >= limit:
                        return ranked
            if k >= n:
                return ranked
            k = min(n, k * 4)

    def values(self, attribute: Callable[[T], object]) -> np.ndarray:
        """Return an array of attribute over the placed items, in slot order (for the masks of ranked_among)."""
        return np.array([attribute(item) for item in self._items])

    def slot(self, key: object) -> int | None:
        """Return the slot of the item with this key, None when it is not placed (or the index has no key)."""
        return self._slots.get(key)

    def ranked_among(self, lon: float, lat: float, mask: np.ndarray, *, tier: np.ndarray | None = None
                     ) -> Iterator[Ranked[T]]:
        """Yield every item whose mask is set, by tier (lower first) then distance, ties by slot.

        The order is computed at once, vectorised; the items are made one by one as the caller asks, because on
        the hot path (dispatch) the first one is nearly always the answer.
        """
        slots = np.flatnonzero(mask)
        if slots.size == 0:
            return iter(())
        distances = haversine_many_m(lon, lat, self._lons[slots], self._lats[slots])
        keys = (slots, distances) if tier is None else (slots, distances, tier[slots])
        order = np.lexsort(keys)
        return (Ranked(self._items[int(slots[i])], float(distances[i])) for i in order)


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

    def within(self, lon: float, lat: float, radius_m: float) -> list[Ranked[T]]:
        """Return the items standing no further than radius_m (haversine metres) from (lon, lat), nearest first.

        Where the item stands, not what it sees: "cameras within 300 m" for the command room's map.
        """
        if radius_m < 0 or not np.isfinite(radius_m):
            raise GisError(f"within: radius_m must be a finite number >= 0, got {radius_m}")
        if not self._items:
            return []
        distances = haversine_many_m(lon, lat, self._lons, self._lats)
        close = np.flatnonzero(distances <= radius_m)
        order = close[np.lexsort((close, distances[close]))]
        return [Ranked(self._items[int(i)], float(distances[i])) for i in order]


def rank(hits: Iterable[Coverage[T]], *, limit: int | None = None,
         tier: Callable[[T], int] | None = None) -> list[Coverage[T]]:
    """Order coverages by tier (e.g. healthy before unhealthy), then by score, then distance; keep limit."""
    ordered = sorted(hits, key=lambda c: (tier(c.item) if tier else 0, c.score, c.distance_m))
    return ordered if limit is None else ordered[:limit]


def _check_bbox(bbox: Sequence[float]) -> tuple[float, float, float, float]:
    """Return a WGS-84 (min_lon, min_lat, max_lon, max_lat) as floats, or raise GisError saying what is wrong."""
    try:
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
    except (TypeError, ValueError):
        raise GisError(f"bbox must be four numbers (min_lon, min_lat, max_lon, max_lat), got {bbox!r}") from None
    if not all(np.isfinite([min_lon, min_lat, max_lon, max_lat])):
        raise GisError(f"bbox must be finite, got {bbox!r}")
    if min_lon > max_lon or min_lat > max_lat:
        raise GisError(f"bbox min must not exceed max, got {bbox!r}")
    return min_lon, min_lat, max_lon, max_lat
