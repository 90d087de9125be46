"""Overlaps, gaps and children outside their parent, with their areas in square metres.

The checks run on the grids as they are stored and located: straight edges in lon/lat. Projecting the vertices
first would bend every long edge into a chord, so a child's vertex lying on its parent's edge would stick out of
it (0.09 m over a 4 km edge: hundreds of false square metres). Each piece found is then measured on its own
tangent plane: lon and lat scaled by the WGS-84 ellipsoid's radii at the piece's latitude, which keeps its edges
straight and is true to 1e-4 over a kilometre-wide piece. Every check is a vectorised shapely 2 operation: an
STRtree gives neighbour pairs, one union per parent gives the gaps.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import shapely

from gis.geometry import metres_per_degree
from gis.grid_report import Finding, GridRows, error, warning

# A gap or overlap thinner than this on average (2 × area / perimeter, metres) is reported as a sliver.
SLIVER_WIDTH_M = 1.0
# Pieces below this (m²) are floating-point noise of shared edges, not a surveyor's gap: not even summarised.
NOISE_M2 = 1e-4


@dataclass(frozen=True)
class MetricFrame:
    """The usable WGS-84 geometries (None elsewhere), and how pieces of them are measured in metres."""

    geometries: np.ndarray
    usable: np.ndarray

    @classmethod
    def around(cls, lonlat: np.ndarray, usable: np.ndarray) -> MetricFrame:
        """Keep the usable geometries for the checks."""
        geometries = np.full(len(lonlat), None, dtype=object)
        geometries[usable] = lonlat[usable]
        return cls(geometries, usable.copy())

    @staticmethod
    def measure(pieces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the area (m²) and mean width (m, 2 × area / perimeter) of each lon/lat piece."""
        if len(pieces) == 0:
            return np.empty(0), np.empty(0)
        metric = to_metres(pieces)
        areas = shapely.area(metric)
        return areas, 2 * areas / np.maximum(shapely.length(metric), 1e-9)

    @staticmethod
    def lonlat(points: np.ndarray) -> np.ndarray:
        """Return (lon, lat) rows of points."""
        return shapely.get_coordinates(points) if len(points) else np.empty((0, 2))


def to_metres(pieces: np.ndarray) -> np.ndarray:
    """Return each lon/lat geometry on its own tangent plane in metres (origin at its centre, edges kept straight)."""
    bounds = shapely.bounds(pieces)
    lon0, lat0 = (bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2
    east, north = metres_per_degree(lat0)
    xy, owner = shapely.get_coordinates(pieces, return_index=True)
    scaled = np.column_stack(((xy[:, 0] - lon0[owner]) * east[owner], (xy[:, 1] - lat0[owner]) * north[owner]))
    return shapely.set_coordinates(np.array(pieces, dtype=object, copy=True), scaled)


def check_topology(rows: GridRows, frame: MetricFrame, *, tolerance_m2: float) -> list[Finding]:
    """Return overlaps between grids of a level, children outside their parent, and gaps, over the tolerance."""
    suspects: set[int] = set()  # rows in an overlap or reaching outside their parent: their parent gets a union
    findings: list[Finding] = []
    findings += _overlaps(rows, frame, tolerance_m2, suspects)
    findings += _outside_parents(rows, frame, tolerance_m2, suspects)
    findings += _gaps(rows, frame, tolerance_m2, suspects)
    return findings


def _describe(what: str, width: float) -> tuple[str, str]:
    thin = width < SLIVER_WIDTH_M
    return (f"sliver_{what}" if thin else what), (f"a sliver about {width:.2f} m wide" if thin else "")


def _summary(kind: str, scope: str, small: list[float], tolerance: float) -> list[Finding]:
    small = [a for a in small if a > NOISE_M2]
    if not small:
        return []
    return [warning(kind, f"{scope}: {len(small)} {kind.replace('_', ' ')} piece(s) at or below the "
                    f"tolerance of {tolerance:g} m², {sum(small):.4f} m² in all; ignored")]


def _overlaps(rows: GridRows, frame: MetricFrame, tolerance: float, suspects: set[int]) -> list[Finding]:
    """Find pairs of grids of one level whose interiors overlap, with the overlap's area and a point in it."""
    findings: list[Finding] = []
    for level in np.unique(rows.levels[frame.usable]):
        members = np.flatnonzero(frame.usable & (rows.levels == level))
        shapes = frame.geometries[members]
        tree = shapely.STRtree(shapes)
        left, right = tree.query(shapes, predicate="intersects")
        pair = left < right
        left, right = left[pair], right[pair]
        # Interiors meeting in an area (DE-9IM 2 in the first cell): touching along an edge is not an overlap.
        inner = shapely.relate_pattern(shapes[left], shapes[right], "2********")
        left, right = left[inner], right[inner]
        suspects.update(members[left].tolist(), members[right].tolist())
        pieces = shapely.intersection(shapes[left], shapes[right])
        areas, widths = frame.measure(pieces)
        big = areas > tolerance
        places = frame.lonlat(shapely.point_on_surface(pieces[big]))
        for k, (a, b) in enumerate(zip(left[big], right[big], strict=True)):
            i, j = members[a], members[b]
            area = float(areas[big][k])
            kind, thin = _describe("overlap", float(widths[big][k]))
            findings.append(error(kind, f"overlaps {rows.codes[j]!r} (row {int(rows.rows[j])}) by {area:.2f} m²"
                                  + (f", {thin}" if thin else ""), code=rows.codes[i], row=int(rows.rows[i]),
                                  lon=float(places[k, 0]), lat=float(places[k, 1]), area_m2=area))
        small = [float(a) for a in areas[~big] if a > 0]
        findings += _summary("small_overlaps", f"level {int(level)}", small, tolerance)
    return findings


def _parent_index(rows: GridRows, frame: MetricFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return (child, parent) row indexes of usable children whose parent is usable and one level up."""
    index = {code: i for i, code in reversed(list(enumerate(rows.codes))) if code}
    pairs = [(i, index[p]) for i, p in enumerate(rows.parents)
             if p and p in index and frame.usable[i] and frame.usable[index[p]]
             and int(rows.levels[index[p]]) == int(rows.levels[i]) - 1]
    arr = np.array(pairs, dtype=np.intp).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def _outside_parents(rows: GridRows, frame: MetricFrame, tolerance: float, suspects: set[int]) -> list[Finding]:
    """Find children reaching outside their parent by more than the tolerance."""
    children, parents = _parent_index(rows, frame)
    if children.size == 0:
        return []
    kids, mothers = frame.geometries[children], frame.geometries[parents]
    shapely.prepare(mothers)
    loose = ~shapely.covers(mothers, kids)
    suspects.update(children[loose].tolist())
    outside = shapely.difference(kids[loose], mothers[loose])
    areas, _ = frame.measure(outside)
    big = areas > tolerance
    places = frame.lonlat(shapely.point_on_surface(outside[big]))
    findings = []
    for k, (i, p) in enumerate(zip(children[loose][big], parents[loose][big], strict=True)):
        area = float(areas[big][k])
        findings.append(error("outside_parent", f"{area:.2f} m² of it lie outside its parent {rows.codes[p]!r} "
                              f"(row {int(rows.rows[p])})", code=rows.codes[i], row=int(rows.rows[i]),
                              lon=float(places[k, 0]), lat=float(places[k, 1]), area_m2=area))
    small = [float(a) for a in areas[~big] if a > 0]
    findings += _summary("small_outside_parent", "children", small, tolerance)
    return findings


def _gaps(rows: GridRows, frame: MetricFrame, tolerance: float, suspects: set[int]) -> list[Finding]:
    """Find the parts of each parent its children leave uncovered, and holes between the top-level grids."""
    children, parents = _parent_index(rows, frame)
    groups: dict[int, list[int]] = defaultdict(list)
    for child, parent in zip(children, parents, strict=True):
        groups[int(parent)].append(int(child))
    # A child refused for its own geometry is missing from the union: its parent's gap would only repeat that error.
    refused = {p for i, p in enumerate(rows.parents) if p and not frame.usable[i]}
    groups = {p: kids for p, kids in groups.items() if rows.codes[p] not in refused}
    owners = _uncovered(frame, groups, suspects)
    unions = np.array([shapely.union_all(frame.geometries[groups[int(p)]]) for p in owners], dtype=object)
    holes = shapely.difference(frame.geometries[owners], unions) if owners.size else np.empty(0, dtype=object)
    where = [(int(p), f"inside {rows.codes[p]!r}, not covered by any of its {len(groups[int(p)])} children")
             for p in owners]
    pieces, owner_of = _parts(holes)
    top_level = rows.levels[frame.usable].min()
    top = np.flatnonzero(frame.usable & (rows.levels == top_level))
    if top.size > 1 and frame.usable[rows.levels == top_level].all():
        merged = shapely.union_all(frame.geometries[top])
        rings = [shapely.Polygon(r) for poly in shapely.get_parts(merged) for r in poly.interiors]
        pieces = np.concatenate([pieces, np.array(rings, dtype=object)]) if rings else pieces
        owner_of = np.concatenate([owner_of, np.full(len(rings), -1, dtype=np.intp)])
    findings: list[Finding] = []
    if len(pieces) == 0:
        return findings
    areas, widths = frame.measure(pieces)
    big = areas > tolerance
    places = frame.lonlat(shapely.point_on_surface(pieces[big]))
    for k, (piece, owner) in enumerate(zip(pieces[big], owner_of[big], strict=True)):
        area = float(areas[big][k])
        kind, thin = _describe("gap", float(widths[big][k]))
        if owner >= 0:
            p, text = where[owner]
            findings.append(error(kind, f"a gap of {area:.2f} m² {text}" + (f", {thin}" if thin else ""),
                                  code=rows.codes[p], row=int(rows.rows[p]), lon=float(places[k, 0]),
                                  lat=float(places[k, 1]), area_m2=area))
        else:
            findings.append(error(kind, f"a gap of {area:.2f} m² between the level-"
                                  f"{int(rows.levels[top[0]])} grids, in none of them" + (f", {thin}" if thin else ""),
                                  lon=float(places[k, 0]), lat=float(places[k, 1]), area_m2=area))
    findings += _summary("small_gaps", "all levels", [float(a) for a in areas[~big] if a > 0], tolerance)
    return findings


def _uncovered(frame: MetricFrame, groups: dict[int, list[int]], suspects: set[int]) -> np.ndarray:
    """Return the parents whose children may leave part of them uncovered, the only ones worth a union.

    Children that neither overlap nor reach outside cover their parent exactly when their areas add up to its
    area: then no gap can hide there, and the union (the costly step) is skipped.
    """
    owners = np.array(sorted(groups), dtype=np.intp)
    if owners.size == 0:
        return owners
    sums = np.array([shapely.area(frame.geometries[groups[int(p)]]).sum() for p in owners])
    deficit = shapely.area(frame.geometries[owners]) - sums
    lat = shapely.bounds(frame.geometries[owners])[:, [1, 3]].mean(axis=1)
    east, north = metres_per_degree(lat)
    clean = np.array([not suspects.intersection(groups[int(p)]) for p in owners], dtype=bool)
    return owners[~clean | (np.abs(deficit) * east * north > NOISE_M2)]


def _parts(holes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the polygonal pieces of each hole geometry and, for each piece, the index of its hole."""
    if len(holes) == 0:
        return np.empty(0, dtype=object), np.empty(0, dtype=np.intp)
    parts, owner = shapely.get_parts(holes, return_index=True)
    polygonal = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
    return parts[polygonal], owner[polygonal]
