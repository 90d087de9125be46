"""The validation report finds planted slivers, gaps, overlaps and self-intersections with their areas and places,
every bad feature by row and code, and repairs a bowtie only when asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Polygon, box

from gis.geometry import metres_per_degree
from gis.grid_files import read_grid_file
from gis.grid_report import FindingSeverity
from gis.grid_validation import validate_grids
from tests.gis.grid_builders import LAT0, town_features, write

GEOD = Geod(ellps="WGS84")
EAST_M, _ = (float(v[0]) for v in metres_per_degree(np.array([LAT0 + 0.02])))


def cell(features: list[dict[str, Any]], village: int, a: int = 0, b: int = 0) -> int:
    """Return the index of cell (a, b) of village k in town_features()'s order."""
    return 1 + village * 5 + 1 + a * 2 + b


def geodesic_area(geometry: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geometry)[0])


def moved_east_edge(features: list[dict[str, Any]], i: int, metres: float) -> shapely.Geometry:
    """Move cell i's east edge by metres (negative: shrink); return the strip between the old and new edge."""
    x0, y0, x1, y1 = features[i]["geometry"].bounds
    x_new = x1 + metres / EAST_M
    features[i] = dict(features[i], geometry=box(x0, y0, x_new, y1))
    return box(min(x1, x_new), y0, max(x1, x_new), y1)


def validate(features: list[dict[str, Any]], tmp_path: Path, name: str = "grids.gpkg", **options: Any):
    return validate_grids(read_grid_file(write(features, tmp_path / name)), **options)


def test_a_clean_partition_has_no_findings(tmp_path: Path) -> None:
    report = validate(town_features(villages=(3, 2), cells=(3, 3)), tmp_path)
    assert report.findings == () and report.ok


def test_planted_sliver_gap_overlap_and_self_intersection_are_found_with_areas_and_places(tmp_path: Path) -> None:
    features = town_features()
    planted = {
        "sliver_gap": moved_east_edge(features, cell(features, 0), -0.5),
        "overlap": moved_east_edge(features, cell(features, 1), 30.0),
        "sliver_overlap": moved_east_edge(features, cell(features, 1, 0, 1), 0.3),
        "gap": moved_east_edge(features, cell(features, 2), -40.0),
    }
    x0, y0, x1, y1 = features[cell(features, 3)]["geometry"].bounds
    features[cell(features, 3)] = dict(features[cell(features, 3)],
                                       geometry=Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)]))
    report = validate(features, tmp_path)
    assert not report.ok
    for kind, strip in planted.items():
        found = report.of_kind(kind)
        assert len(found) == 1, (kind, report.findings)
        assert found[0].area_m2 == pytest.approx(geodesic_area(strip), rel=0.01), kind
        assert strip.buffer(1e-9).contains(shapely.Point(found[0].lon, found[0].lat)), kind
        assert found[0].severity is FindingSeverity.ERROR
    assert report.of_kind("sliver_gap")[0].code == features[cell(features, 0) - 1]["code"]  # the village it is in
    assert "sliver about 0.50 m wide" in report.of_kind("sliver_gap")[0].message
    overlap = report.of_kind("overlap")[0]
    assert (overlap.code, overlap.row) == (features[cell(features, 1)]["code"], cell(features, 1) + 1)
    assert features[cell(features, 1, 1, 0)]["code"] in overlap.message
    crossed = report.of_kind("invalid_geometry")
    assert len(crossed) == 1 and "Self-intersection" in crossed[0].message and "--repair" in crossed[0].message
    assert (crossed[0].lon, crossed[0].lat) == pytest.approx(((x0 + x1) / 2, (y0 + y1) / 2))


def test_the_tolerance_decides_between_an_error_and_a_summary_warning(tmp_path: Path) -> None:
    features = town_features()
    strip = moved_east_edge(features, cell(features, 0), -0.002)  # 2 mm wide, about 2 m²
    area = geodesic_area(strip)
    strict = validate(features, tmp_path, "a.gpkg", tolerance_m2=1.0)
    assert [f.kind for f in strict.errors] == ["sliver_gap"]
    lenient = validate(features, tmp_path, "b.gpkg", tolerance_m2=10.0)
    assert lenient.ok and [f.kind for f in lenient.warnings] == ["small_gaps"]
    assert f"{area:.4f} m² in all" in lenient.warnings[0].message


def test_children_outside_their_parent_are_errors_with_the_area_outside(tmp_path: Path) -> None:
    features = town_features()
    i = cell(features, 0, 1, 0)  # on the village's east edge: growing it leaves the village
    strip = moved_east_edge(features, i, 20.0)
    report = validate(features, tmp_path)
    outside = report.of_kind("outside_parent")
    assert [f.code for f in outside] == [features[i]["code"]]
    assert outside[0].area_m2 == pytest.approx(geodesic_area(strip), rel=0.01)


@pytest.mark.parametrize("bad", ["empty", "null_island", "swapped", "duplicate", "missing_parent", "parent_level",
                                 "point"])
def test_each_bad_feature_is_named_by_row_and_code(tmp_path: Path, bad: str) -> None:
    features = town_features()
    i = cell(features, 2, 1, 1)
    f = features[i]
    if bad == "empty":
        features[i] = dict(f, geometry=None)
        expected = "empty_geometry"
    elif bad == "null_island":
        features[i] = dict(f, geometry=box(0.0, 0.0, 0.01, 0.01))
        expected = "at_null_island"
    elif bad == "swapped":
        features[i] = dict(f, geometry=shapely.transform(f["geometry"], lambda xy: xy[:, ::-1]))
        expected = "swapped_lat_lon"
    elif bad == "duplicate":
        features[i] = dict(f, code=features[i - 1]["code"])
        expected = "duplicate_code"
    elif bad == "missing_parent":
        features[i] = dict(f, parent_code="999")
        expected = "missing_parent"
    elif bad == "parent_level":
        features[i] = dict(f, parent_code=features[0]["code"])
        expected = "parent_level"
    else:
        features[i] = dict(f, geometry=f["geometry"].centroid)
        expected = "not_polygon"
    report = validate(features, tmp_path, "bad.geojson")
    found = report.of_kind(expected)
    assert found and found[0].row == i + 1 and found[0].code == features[i]["code"], report.findings
    assert found[0].severity is FindingSeverity.ERROR and not report.ok
    if bad == "swapped":
        assert "far outside the town's extent" in found[0].message and "lat/lon swapped" in found[0].message
        assert found[0].lat > 90  # reported where it lies, as given
    if bad == "duplicate":
        assert f"already used by row {i}" in found[0].message


def test_a_feature_far_away_is_reported_outside_the_extent(tmp_path: Path) -> None:
    features = town_features()
    i = cell(features, 1)
    features[i] = dict(features[i], geometry=shapely.affinity.translate(features[i]["geometry"], 3.0, 2.0))
    found = validate(features, tmp_path).of_kind("far_outside")
    assert [f.row for f in found] == [i + 1] and "far outside the town's extent" in found[0].message


def test_a_grid_above_the_finest_level_without_children_is_a_warning(tmp_path: Path) -> None:
    # GridIndex takes it as a leaf (a village left whole while others are split); shown, not refused.
    features = [f for f in town_features() if f.get("parent_code") != town_features()[1]["code"]]
    report = validate(features, tmp_path)
    assert report.ok and [(f.kind, f.code) for f in report.warnings] == [("no_children", town_features()[1]["code"])]


def test_repair_turns_a_bowtie_into_its_two_triangles_and_warns(tmp_path: Path) -> None:
    bowtie = Polygon([(120.0, 32.3), (120.01, 32.31), (120.01, 32.3), (120.0, 32.31)])
    features = [dict(code="T1", name="t", level=1, parent_code=None, geometry=bowtie)]
    refused = validate(features, tmp_path, "a.gpkg")
    assert [f.kind for f in refused.errors] == ["invalid_geometry"]
    repaired = validate(features, tmp_path, "b.gpkg", repair=True)
    assert repaired.ok and [f.kind for f in repaired.warnings] == ["repaired"]
    fixed = repaired.rows.geometries[0]
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon" and len(fixed.geoms) == 2
    assert fixed.area == pytest.approx(0.01 * 0.01 / 2)


def test_five_thousand_cells_validate_in_seconds_without_findings(tmp_path: Path) -> None:
    # Not a timing assertion (bench/grid_import.py measures): a guard that the vectorised path handles the size.
    report = validate(town_features(villages=(10, 10), cells=(7, 7), size=0.007), tmp_path)
    assert len(report.rows) == 1 + 100 + 4900 and report.findings == ()


def test_unreadable_staff_is_an_error_naming_the_row(tmp_path: Path) -> None:
    features = town_features()
    features[3] = dict(features[3], staff='[{"role": "boss", "name": "x"}]')
    found = validate(features, tmp_path).of_kind("bad_staff")
    assert [(f.row, f.code) for f in found] == [(4, features[3]["code"])] and "role 'boss'" in found[0].message


def test_a_whole_file_with_lat_and_lon_swapped_is_refused_feature_by_feature(tmp_path: Path) -> None:
    features = [dict(f, geometry=shapely.transform(f["geometry"], lambda xy: xy[:, ::-1])) for f in town_features()]
    report = validate(features, tmp_path, "swapped.geojson")
    assert {f.kind for f in report.errors} == {"bad_coordinates"} and len(report.errors) == len(features)
    assert "lat/lon swapped" in report.errors[0].message and report.errors[0].row == 1
