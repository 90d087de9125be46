"""Exact partitions of a region in metres: Voronoi cells clipped to it, with every shared vertex shared."""

from __future__ import annotations

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import MultiPoint, Polygon
from shapely.geometry.base import BaseGeometry

# A border node computed while clipping one cell lies within float noise (~1e-12 m) of its neighbour's edge.
NODE_TOLERANCE_M = 1e-6


def sample_inside(rng: np.random.Generator, region: BaseGeometry, n: int) -> np.ndarray:
    """Return n uniformly random (x, y) points inside region."""
    minx, miny, maxx, maxy = region.bounds
    shapely.prepare(region)
    found: list[np.ndarray] = []
    count = 0
    while count < n:
        batch = rng.uniform((minx, miny), (maxx, maxy), size=(max(2 * n, 16), 2))
        inside = batch[shapely.contains_xy(region, batch[:, 0], batch[:, 1])]
        found.append(inside)
        count += len(inside)
    return np.concatenate(found)[:n]


def spread_points(rng: np.random.Generator, region: BaseGeometry, n: int, candidates: int = 24) -> np.ndarray:
    """Return n points inside region spread out evenly (Mitchell's best candidate), so cells get similar sizes."""
    points = np.empty((0, 2))
    for _ in range(n):
        trial = sample_inside(rng, region, candidates)
        if len(points) == 0:
            best = trial[0]
        else:
            gaps = np.min(np.linalg.norm(trial[:, None, :] - points[None, :, :], axis=2), axis=1)
            best = trial[int(np.argmax(gaps))]
        points = np.vstack([points, best])
    return points


def partition(region: BaseGeometry, seeds: np.ndarray) -> list[Polygon]:
    """Return one polygon per seed covering region exactly: its Voronoi cell clipped to region."""
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=region, ordered=True)
    kept: list[BaseGeometry] = []
    fragments: list[BaseGeometry] = []
    for seed, cell in zip(seeds, cells.geoms, strict=True):
        parts = list(shapely.get_parts(shapely.intersection(cell, region)))
        # A concave outline can cut a cell in two; the seed's own piece stays, the rest joins a neighbour.
        home = int(np.argmin([part.distance(shapely.Point(seed)) for part in parts]))
        kept.append(parts.pop(home))
        fragments.extend(parts)
    return node_coverage(_absorb(kept, fragments))


def _absorb(kept: list[BaseGeometry], fragments: list[BaseGeometry]) -> list[BaseGeometry]:
    """Merge each fragment into the kept cell it shares the longest border with."""
    pending = list(fragments)
    while pending:
        left: list[BaseGeometry] = []
        for fragment in pending:
            borders = [fragment.boundary.intersection(cell.boundary).length for cell in kept]
            best = int(np.argmax(borders))
            if borders[best] > 0:
                kept[best] = shapely.union(kept[best], fragment)
            else:
                left.append(fragment)
        if len(left) == len(pending):
            raise RuntimeError(f"{len(left)} region fragment(s) touch no cell")
        pending = left
    return kept


def node_coverage(polygons: list[BaseGeometry]) -> list[Polygon]:
    """Return the polygons with every neighbour's vertex inserted into their edges, so shared borders match."""
    # Clipping one cell puts a node on a border that the cell across it, clipped on its own, lacks;
    # snapping copies that very vertex into the other edge, the exact partition coverage_is_valid wants.
    vertices = np.unique(shapely.get_coordinates(polygons), axis=0)
    index = STRtree(shapely.points(vertices))
    noded = []
    for polygon in polygons:
        near = index.query(polygon, predicate="dwithin", distance=NODE_TOLERANCE_M)
        noded.append(shapely.snap(polygon, shapely.multipoints(vertices[near]), NODE_TOLERANCE_M))
    return [_as_polygon(geom) for geom in noded]


def _as_polygon(geom: BaseGeometry) -> Polygon:
    """Return geom as one polygon, failing loudly if the partition left it in pieces."""
    if geom.geom_type != "Polygon":
        raise RuntimeError(f"partition cell is a {geom.geom_type}, expected one Polygon")
    return geom
