"""The validation report of a grid file, before anything is written: every feature, the hierarchy, the topology.

Errors block the import; warnings are shown and let it go on (docs/operations.md, "The validation report").
Everything is vectorised with shapely 2 (and an STRtree for neighbours): no loop over pairs of features.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import shapely

from gis.grid_report import Finding, GridRows, ValidationReport, error, warning
from gis.errors import GisError
from gis.grid_topology import MetricFrame, check_topology
from gis.staff_text import staff_from_text

# A feature touching this box around 0,0 (degrees) is taken for missing coordinates ("null island").
NULL_ISLAND_DEG = 1.0
# A feature whose centre lies this many typical spreads from the others' median centre is an outlier...
OUTLIER_SPREADS = 50.0
# ...and never closer than this (degrees): a town's grids lie well within it.
OUTLIER_MIN_DEG = 0.5
# prcoords' "in China" box: data entirely outside it is likely swapped or in the wrong --crs.
CHINA = (72.004, 0.8293, 137.8347, 55.8271)
POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
_REASON_AT = re.compile(r"\[\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)")

Progress = Callable[[int, int], None]
STEPS = 4


def validate_grids(rows: GridRows, *, tolerance_m2: float = 1.0, repair: bool = False,
                   progress: Progress | None = None) -> ValidationReport:
    """Check every feature, the hierarchy and the topology; return the report (repaired rows with repair)."""
    tick = progress or (lambda done, total: None)
    findings: list[Finding] = list(rows.problems)
    geometries, usable = _check_features(rows, repair, findings)
    rows = rows.with_geometries(geometries)
    tick(1, STEPS)
    usable &= _check_outliers(rows, usable, findings)
    tick(2, STEPS)
    _check_hierarchy(rows, findings)
    tick(3, STEPS)
    if usable.any():
        frame = MetricFrame.around(geometries, usable)
        findings += check_topology(rows, frame, tolerance_m2=tolerance_m2)
    tick(4, STEPS)
    return ValidationReport(rows, tuple(findings), tolerance_m2)


def _where(rows: GridRows, i: int, point: tuple[float, float] | None = None) -> dict[str, object]:
    lon, lat = point if point is not None else (None, None)
    return {"code": rows.codes[i], "row": int(rows.rows[i]), "lon": lon, "lat": lat}


def _centre(geometry: shapely.Geometry) -> tuple[float, float] | None:
    x0, y0, x1, y1 = shapely.bounds(geometry)
    return None if not np.isfinite([x0, y0, x1, y1]).all() else ((x0 + x1) / 2, (y0 + y1) / 2)


def _check_features(rows: GridRows, repair: bool, findings: list[Finding]) -> tuple[np.ndarray, np.ndarray]:
    """Find empty, non-polygonal, out-of-range, null-island and invalid geometries; repair the invalid with repair."""
    geometries = np.array(rows.geometries, dtype=object)
    missing = shapely.is_missing(geometries) | shapely.is_empty(geometries)
    kinds = shapely.get_type_id(geometries)
    polygonal = np.isin(kinds, POLYGONAL)
    bounds = shapely.bounds(geometries)
    finite = np.isfinite(bounds).all(axis=1)
    in_range = finite & (bounds[:, 0] >= -180) & (bounds[:, 2] <= 180) & (bounds[:, 1] >= -90) & (bounds[:, 3] <= 90)
    d = NULL_ISLAND_DEG
    at_null = finite & (bounds[:, 0] <= d) & (bounds[:, 2] >= -d) & (bounds[:, 1] <= d) & (bounds[:, 3] >= -d)
    malformed = {f.row for f in rows.problems if f.kind == "malformed_geometry"}
    for i in np.flatnonzero(missing):
        if int(rows.rows[i]) in malformed:
            continue
        findings.append(error("empty_geometry", "the feature has no geometry (empty or null)", **_where(rows, i)))
    for i in np.flatnonzero(~missing & ~polygonal):
        kind = shapely.get_type_id(geometries[i])
        findings.append(error("not_polygon", f"geometry is a {shapely.GeometryType(kind).name.title()}, "
                              "not a Polygon or MultiPolygon", **_where(rows, i, _centre(geometries[i]))))
    for i in np.flatnonzero(~missing & ~finite):
        findings.append(error("bad_coordinates", "a coordinate is not a finite number", **_where(rows, i)))
    for i in np.flatnonzero(~missing & at_null):
        findings.append(error("at_null_island", f"the feature lies at 0,0 (within {d:g}° of lon 0, lat 0): "
                              "coordinates missing or zeroed", **_where(rows, i, _centre(geometries[i]))))
    usable = ~missing & polygonal & in_range & ~at_null
    checked = np.flatnonzero(usable)
    valid = shapely.is_valid(geometries[checked])
    for i in checked[~valid]:
        reason = shapely.is_valid_reason(geometries[i])
        at = _REASON_AT.search(reason)
        point = (float(at.group(1)), float(at.group(2))) if at else _centre(geometries[i])
        if not repair:
            findings.append(error("invalid_geometry", f"invalid geometry: {reason}; fix it or import with --repair",
                                  **_where(rows, i, point)))
            usable[i] = False
            continue
        fixed = polygonal_part(shapely.make_valid(geometries[i]))
        if fixed is None:
            findings.append(error("invalid_geometry", f"invalid geometry: {reason}; repairing left no polygon",
                                  **_where(rows, i, point)))
            usable[i] = False
            continue
        geometries[i] = fixed
        findings.append(warning("repaired", f"invalid geometry repaired ({reason}); polygonal parts kept",
                                **_where(rows, i, point)))
    return geometries, usable


def polygonal_part(geometry: shapely.Geometry) -> shapely.Geometry | None:
    """Return the polygons of a geometry (a repaired one may hold lines and points) as one, None when there are none."""
    parts = shapely.get_parts(geometry)
    polygons = parts[np.isin(shapely.get_type_id(parts), POLYGONAL)]
    if polygons.size == 0:
        return None
    merged = shapely.union_all(polygons)
    return merged if shapely.get_type_id(merged) in POLYGONAL and not merged.is_empty else None


def _check_outliers(rows: GridRows, usable: np.ndarray, findings: list[Finding]) -> np.ndarray:
    """Flag features far outside the others' extent (and out-of-range ones), naming swapped lat/lon where it fits.

    Returns the mask of features still usable.
    """
    bounds = shapely.bounds(rows.geometries)
    centres = np.column_stack(((bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2))
    finite = np.isfinite(bounds).all(axis=1)
    in_range = (bounds[:, 0] >= -180) & (bounds[:, 2] <= 180) & (bounds[:, 1] >= -90) & (bounds[:, 3] <= 90)
    polygonal = np.isin(shapely.get_type_id(rows.geometries), POLYGONAL) & ~shapely.is_empty(rows.geometries)
    out_of_range = finite & ~in_range & polygonal
    candidates = usable | out_of_range
    keep = np.ones(len(rows), dtype=bool)
    if usable.any():
        _flag_far(rows, usable, candidates, out_of_range, bounds, centres, keep, findings)
    for i in np.flatnonzero(out_of_range & keep):
        findings.append(error("bad_coordinates", "coordinates outside lon -180..180, lat -90..90: a projected file "
                              "read as lon/lat (give --crs), or lat/lon swapped", **_where(rows, i)))
    return keep


def _flag_far(rows: GridRows, usable: np.ndarray, candidates: np.ndarray, out_of_range: np.ndarray,
              bounds: np.ndarray, centres: np.ndarray, keep: np.ndarray, findings: list[Finding]) -> None:
    """Report the features far from the others' median centre (clearing keep), and a set outside China."""
    median = np.median(centres[usable], axis=0)
    distance = np.hypot(*(centres - median).T)
    spread = float(np.median(distance[usable]))
    far = candidates & (distance > max(OUTLIER_SPREADS * spread, OUTLIER_MIN_DEG))
    inliers = usable & ~far
    if inliers.any():
        x0, y0 = bounds[inliers, 0].min(), bounds[inliers, 1].min()
        x1, y1 = bounds[inliers, 2].max(), bounds[inliers, 3].max()
        extent = f"lon {x0:.4f}..{x1:.4f}, lat {y0:.4f}..{y1:.4f}"
        for i in np.flatnonzero(far | out_of_range):
            lon, lat = centres[i]
            swapped = x0 <= lat <= x1 and y0 <= lon <= y1
            if swapped:
                message = (f"a point far outside the town's extent ({extent}); with lon and lat swapped it would lie "
                           "inside it: lat/lon swapped")
            else:
                message = f"a point far outside the town's extent ({extent}), {distance[i]:.2f}° from its centre"
            findings.append(error("swapped_lat_lon" if swapped else "far_outside", message,
                                  **_where(rows, i, (float(lon), float(lat)))))
            keep[i] = False
        if not (CHINA[0] <= x0 and x1 <= CHINA[2] and CHINA[1] <= y0 and y1 <= CHINA[3]):
            findings.append(warning("outside_china", f"the grids lie outside China ({extent}): lat/lon swapped, "
                                    "or the wrong --crs?", lon=float(median[0]), lat=float(median[1])))


def _check_hierarchy(rows: GridRows, findings: list[Finding]) -> None:
    """Find unreadable staff, duplicate codes, missing parents, parents not one level up, childless non-leaves."""
    for i, text in enumerate(rows.staff):
        try:
            staff_from_text(text, where="staff")
        except GisError as exc:
            findings.append(error("bad_staff", str(exc).removeprefix("staff: "), **_where(rows, i)))
    first_row: dict[str, int] = {}
    for i, code in enumerate(rows.codes):
        if not code:
            continue
        if code in first_row:
            findings.append(error("duplicate_code", f"code {code!r} is already used by row {first_row[code]}",
                                  **_where(rows, i)))
        else:
            first_row[code] = int(rows.rows[i])
    index = {code: i for i, code in reversed(list(enumerate(rows.codes))) if code}
    has_children: set[str] = set()
    for i, (code, parent) in enumerate(zip(rows.codes, rows.parents, strict=True)):
        level = int(rows.levels[i])
        if level < 1:
            continue
        if level == 1:
            if parent:
                findings.append(error("parent_level", f"a level-1 grid has parent {parent!r}; level 1 is the "
                                      "coarsest and has none", **_where(rows, i)))
            continue
        if not parent:
            findings.append(error("missing_parent", f"a level-{level} grid has no parent", **_where(rows, i)))
            continue
        j = index.get(parent)
        if j is None:
            findings.append(error("missing_parent", f"parent {parent!r} is not the code of any grid",
                                  **_where(rows, i)))
            continue
        has_children.add(parent)
        if int(rows.levels[j]) != level - 1:
            findings.append(error("parent_level", f"parent {parent!r} is a level-{int(rows.levels[j])} grid, "
                                  f"expected level {level - 1}", **_where(rows, i)))
    finest = int(rows.levels.max()) if len(rows) else 0
    for i, code in enumerate(rows.codes):
        level = int(rows.levels[i])
        if code and 1 <= level < finest and code not in has_children:
            # The index takes a grid without children as a leaf (a village left whole while others are split),
            # so this is allowed; it is shown because a missing layer of children looks the same.
            findings.append(warning("no_children", f"a level-{level} grid with no level-{level + 1} grids in it "
                                    f"(the finest level is {finest}): points in it locate to it as a leaf",
                                    **_where(rows, i, _centre(rows.geometries[i]))))
