"""A raster over the leaf grids that answers most points by array lookup; only cells on a boundary test polygons.

Each cell of a regular lon/lat raster over the leaves' extent is clean or mixed. Mixed: some leaf boundary may pass
within CELL_MARGIN_DEG of the cell. To find them, every boundary is densified so its vertices are at most half a
cell apart, and the 3x3 cells around each vertex are marked: any boundary point lies within a quarter cell of a
vertex, so a cell it comes near is that vertex's cell or a neighbour, even when rounding puts the vertex in the cell
next door. A clean cell (with its margin) holds no boundary, so it lies wholly inside the leaves containing its
centre, or outside all of them: its answer is the lowest such leaf, or `miss`. A point in a clean cell takes that
answer (the margin covers rounding of the point's cell index); a point in a mixed cell is tested against the
polygons, boundary included, lowest index first. Answers are the same as testing every point against every leaf.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

# About 0.1 mm: far above float rounding of the cell index, far below any grid's size.
CELL_MARGIN_DEG = 1e-9
# About this many cells per leaf: a leaf spans tens of cells, so most points fall in a clean cell.
CELLS_PER_LEAF = 2000
MAX_CELLS = 4_000_000
MIXED = -1


class LeafRaster:
    """Cell answers over leaf polygons: a leaf index, `miss` (outside every leaf) or MIXED (test the polygons)."""

    def __init__(self, leaves: Sequence[BaseGeometry], tree: STRtree) -> None:
        self._leaves = np.array(leaves, dtype=object)
        self._tree = tree
        self.miss = len(leaves)
        if not len(leaves):
            self._cells = np.zeros((1, 1), dtype=np.int32)
            self._x0 = self._y0 = 0.0
            self._step = 1.0
            self._starts, self._candidates = np.zeros(2, dtype=np.intp), np.zeros(0, dtype=np.intp)
            return
        minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(leaves))
        width, height = max(maxx - minx, 1e-9), max(maxy - miny, 1e-9)
        cells = min(CELLS_PER_LEAF * len(leaves), MAX_CELLS)
        self._step = math.sqrt(width * height / cells)
        nx, ny = math.ceil(width / self._step) + 1, math.ceil(height / self._step) + 1
        self._x0, self._y0 = minx, miny
        self._cells = _cell_answers(leaves, minx, miny, self._step, nx, ny)
        self._starts, self._candidates = _mixed_candidates(leaves, self._cells, minx, miny, self._step)

    @property
    def clean_share(self) -> float:
        """Return the share of cells answered without a polygon test."""
        return float((self._cells != MIXED).mean())

    def slots(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Return each point's lowest leaf index containing it (boundary included), `miss` outside every leaf."""
        slots = np.full(xs.shape[0], self.miss, dtype=np.intp)
        if xs.shape[0] == 0 or self.miss == 0:
            return slots
        ny, nx = self._cells.shape
        fx = (xs - self._x0) / self._step
        fy = (ys - self._y0) / self._step
        # NaN fails both comparisons, so a NaN point stays outside, as it is in no polygon.
        on = np.flatnonzero((fx >= 0) & (fx < nx) & (fy >= 0) & (fy < ny))
        cell = self._cells[fy[on].astype(np.intp), fx[on].astype(np.intp)]
        slots[on] = cell
        mixed = on[cell == MIXED]
        slots[mixed] = self.miss
        if mixed.size:
            px, py = xs[mixed], ys[mixed]
            points, leaves = self._tree.query(shapely.points(px, py))
            hit = shapely.intersects_xy(self._leaves[leaves], px[points], py[points])
            found = np.full(mixed.size, self.miss, dtype=np.intp)
            # A point on a shared edge touches several leaves; the lowest index (lowest code) wins.
            np.minimum.at(found, points[hit], leaves[hit])
            slots[mixed] = found
        return slots

    def slot(self, x: float, y: float) -> int:
        """Return one point's lowest leaf index containing it, `miss` outside every leaf."""
        if self.miss == 0:
            return self.miss
        fx, fy = (x - self._x0) / self._step, (y - self._y0) / self._step
        ny, nx = self._cells.shape
        if not (0 <= fx < nx and 0 <= fy < ny):
            return self.miss
        row, col = int(fy), int(fx)
        cell = int(self._cells[row, col])
        if cell != MIXED:
            return cell
        # The cell's candidates (leaves whose box comes near it), lowest index first, then the exact test on the
        # prepared polygon: no Point to build and no tree to walk.
        flat = row * nx + col
        for leaf in self._candidates[self._starts[flat]:self._starts[flat + 1]].tolist():
            if shapely.intersects_xy(self._leaves[leaf], x, y):
                return leaf
        return self.miss


def _cell_answers(leaves: Sequence[BaseGeometry], x0: float, y0: float, step: float, nx: int, ny: int) -> np.ndarray:
    """Return the (ny, nx) raster of cell answers: the lowest leaf index, len(leaves) outside all, or MIXED."""
    boundaries = shapely.segmentize(shapely.boundary(np.array(leaves, dtype=object)), step / 2)
    xy = shapely.get_coordinates(boundaries)
    ix = np.clip(np.floor((xy[:, 0] - x0) / step).astype(np.intp), 0, nx - 1)
    iy = np.clip(np.floor((xy[:, 1] - y0) / step).astype(np.intp), 0, ny - 1)
    near = np.zeros((ny + 2, nx + 2), dtype=bool)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            near[iy + dy, ix + dx] = True
    mixed = near[1:-1, 1:-1]
    answer = np.full((ny, nx), len(leaves), dtype=np.int32)
    answer[mixed] = MIXED
    assigned = mixed.copy()
    # Lowest index first, so where leaves overlap the lowest code keeps the cell, as in the polygon test.
    for index, leaf in enumerate(leaves):
        lx0, ly0, lx1, ly1 = leaf.bounds
        cx0, cx1 = max(int((lx0 - x0) // step), 0), min(int((lx1 - x0) // step) + 1, nx)
        cy0, cy1 = max(int((ly0 - y0) // step), 0), min(int((ly1 - y0) // step) + 1, ny)
        rows, cols = np.nonzero(~assigned[cy0:cy1, cx0:cx1])
        if rows.size == 0:
            continue
        rows, cols = rows + cy0, cols + cx0
        inside = shapely.contains_xy(leaf, x0 + (cols + 0.5) * step, y0 + (rows + 0.5) * step)
        answer[rows[inside], cols[inside]] = index
        assigned[rows[inside], cols[inside]] = True
    return answer


def _mixed_candidates(leaves: Sequence[BaseGeometry], cells: np.ndarray, x0: float, y0: float,
                      step: float) -> tuple[np.ndarray, np.ndarray]:
    """Return, for every mixed cell, the leaves whose bounding box comes within a cell of it, as (starts, leaves).

    Row-major cell f has candidates leaves[starts[f]:starts[f + 1]], ascending. One cell of slack on each side
    covers rounding: a point whose index rounds into the next cell still finds every leaf that may hold it.
    """
    ny, nx = cells.shape
    mixed = cells == MIXED
    flats, owners = [], []
    for index, leaf in enumerate(leaves):
        lx0, ly0, lx1, ly1 = leaf.bounds
        cx0, cx1 = max(int((lx0 - x0) // step) - 1, 0), min(int((lx1 - x0) // step) + 2, nx)
        cy0, cy1 = max(int((ly0 - y0) // step) - 1, 0), min(int((ly1 - y0) // step) + 2, ny)
        rows, cols = np.nonzero(mixed[cy0:cy1, cx0:cx1])
        flats.append((rows + cy0) * nx + cols + cx0)
        owners.append(np.full(rows.size, index, dtype=np.intp))
    flat = np.concatenate(flats) if flats else np.zeros(0, dtype=np.intp)
    owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.intp)
    order = np.lexsort((owner, flat))
    starts = np.zeros(nx * ny + 1, dtype=np.intp)
    np.cumsum(np.bincount(flat, minlength=nx * ny), out=starts[1:])
    return starts, owner[order]
