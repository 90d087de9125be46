"""Reading boundary files: three formats, field mapping, layers, coordinate systems (CGCS2000 Gauss-Krüger zones
included, against an independent meridian-arc reference), GCJ-02, and broken or unknown input named clearly."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import box

from gis.crs import Crs
from gis.crs_bulk import from_wgs84_many
from gis.errors import GisError
from gis.grid_files import FieldMap, read_grid_file
from gis.geometry import metres_per_degree
from tests.gis.grid_builders import LAT0, LON0, frame, town_features, write

CGCS2000 = Geod(a=6378137.0, f=1 / 298.257222101)


def hausdorff_m(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Return the Hausdorff distance of two lon/lat geometries in metres (one tangent plane at a's centre)."""
    x0, y0, x1, y1 = a.bounds
    lon0, lat0 = (x0 + x1) / 2, (y0 + y1) / 2
    east, north = metres_per_degree(np.array([lat0]))

    def plane(g: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(g, lambda xy: (xy - [lon0, lat0]) * [east[0], north[0]])

    return float(shapely.hausdorff_distance(plane(a), plane(b), densify=0.25))


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".zip"])
def test_every_format_reads_codes_names_levels_parents_in_file_order(tmp_path: Path, suffix: str) -> None:
    features = town_features()
    rows = read_grid_file(write(features, tmp_path / f"grids{suffix}"))
    assert rows.codes == [f["code"] for f in features]
    assert rows.names == [f["name"] for f in features]
    assert rows.levels.tolist() == [f["level"] for f in features]
    assert rows.parents == [f["parent_code"] for f in features]
    assert rows.rows.tolist() == list(range(1, len(features) + 1))
    assert all(hausdorff_m(g, f["geometry"]) < 0.01 for g, f in zip(rows.geometries, features, strict=True))


def test_field_names_and_one_level_come_from_options(tmp_path: Path) -> None:
    cells = [f for f in town_features() if f["level"] == 3]
    data = frame(cells).rename(columns={"code": "WGBM", "name": "WGMC", "parent_code": "SJWG"}).drop(columns="level")
    path = write(data, tmp_path / "cells.gpkg")
    with pytest.raises(GisError, match="no level field 'level'.*--level N"):
        read_grid_file(path, fields=FieldMap(code="WGBM", name="WGMC", parent="SJWG"))
    rows = read_grid_file(path, fields=FieldMap(code="wgbm", name="WGMC", parent="SJWG"), level=3)
    assert rows.codes[0] == cells[0]["code"] and rows.parents[0] == cells[0]["parent_code"]
    assert set(rows.levels.tolist()) == {3}
    with pytest.raises(GisError, match="no code field 'code'; the fields are .*WGBM.*--code-field"):
        read_grid_file(path, level=3)


def test_numeric_codes_read_as_text_without_a_decimal_point(tmp_path: Path) -> None:
    features = [dict(f, code=float(f["code"]), parent_code=None) for f in town_features()[:1]]
    rows = read_grid_file(write(features, tmp_path / "numeric.geojson"))
    assert rows.codes == [town_features()[0]["code"]]


def test_a_geopackage_with_several_layers_needs_layer(tmp_path: Path) -> None:
    path = write(town_features(), tmp_path / "two.gpkg", layer="grids_2024")
    write(town_features(lon0=LON0 + 1), path, layer="grids_2025")
    with pytest.raises(GisError, match=r"two.gpkg: the file holds 2 layers \(grids_2024, grids_2025\); choose one"):
        read_grid_file(path)
    rows = read_grid_file(path, layer="grids_2025")
    assert rows.geometries[0].bounds[0] == pytest.approx(LON0 + 1)
    with pytest.raises(GisError, match="no layer 'nope'"):
        read_grid_file(path, layer="nope")


def _gk_northing(lat: float) -> float:
    """Return the Gauss-Krüger northing on the central meridian: the meridian arc from the equator (k0 = 1)."""
    _, _, arc = CGCS2000.inv(120.0, 0.0, 120.0, lat)
    return float(arc)


@pytest.mark.parametrize(("epsg", "false_easting"), [(4528, 40_500_000.0), (4549, 500_000.0)])
def test_gauss_kruger_points_on_the_central_meridian_land_on_the_reference(tmp_path: Path, epsg: int,
                                                                         false_easting: float) -> None:
    # Independent of pyproj's projection: on the central meridian (120°E, zone 40) easting is the false easting
    # and northing the meridian arc of the CGCS2000 ellipsoid, measured with a geodesic.
    lats = (32.30, 32.32)
    north = [_gk_northing(lat) for lat in lats]
    square = box(false_easting - 1000, north[0], false_easting, north[1])
    path = write([dict(code="G1", name="g", level=1, parent_code=None, geometry=square)], tmp_path / f"gk{epsg}.gpkg",
                 crs=f"EPSG:{epsg}")
    rows = read_grid_file(path)
    xy = shapely.get_coordinates(rows.geometries[0])
    on_meridian = xy[np.isclose(xy[:, 0], 120.0, atol=1e-6)]
    assert len(on_meridian) >= 2
    dlat_m = np.abs(np.sort(np.unique(on_meridian[:, 1].round(12)))[:2] - np.array(lats)) * 110_900
    assert dlat_m.max() < 0.01, dlat_m
    assert np.abs(on_meridian[:, 0] - 120.0).max() * 94_000 < 0.01


@pytest.mark.parametrize(("epsg", "suffix"), [(4528, ".gpkg"), (4549, ".zip"), (4490, ".gpkg")])
def test_a_cgcs2000_file_lands_within_a_centimetre_of_its_wgs84_grids(tmp_path: Path, epsg: int, suffix: str) -> None:
    features = town_features()
    projected = frame(features).to_crs(f"EPSG:{epsg}")
    rows = read_grid_file(write(projected, tmp_path / f"cgcs{epsg}{suffix}"))
    worst = max(hausdorff_m(g, f["geometry"]) for g, f in zip(rows.geometries, features, strict=True))
    assert worst < 0.01, worst


def test_a_zone_prefix_that_does_not_fit_the_crs_is_refused(tmp_path: Path) -> None:
    projected = frame(town_features()).to_crs("EPSG:4549")  # eastings about 500 km, no zone number
    path = write(projected, tmp_path / "unprefixed.gpkg")
    with pytest.raises(GisError, match=r"unprefixed.gpkg.*eastings around .* do not fit EPSG:4528.*4534-4554"):
        read_grid_file(path, crs="EPSG:4528")
    assert read_grid_file(path).problems == ()
    overridden = read_grid_file(path, crs="EPSG:4490")  # a wrong --crs is read as told, and said so
    assert [(p.kind, p.message) for p in overridden.problems] == [
        ("crs_override", "the file declares EPSG:4549; read as EPSG:4490 (--crs)")]


def test_gcj02_boundaries_convert_to_wgs84_vectorised(tmp_path: Path) -> None:
    features = town_features()
    shifted = [dict(f, geometry=shapely.transform(f["geometry"], lambda xy: np.column_stack(
        from_wgs84_many(xy[:, 0], xy[:, 1], Crs.GCJ02)))) for f in features]
    rows = read_grid_file(write(shifted, tmp_path / "gcj.geojson"), crs="gcj02")
    assert max(hausdorff_m(g, f["geometry"]) for g, f in zip(rows.geometries, features, strict=True)) < 0.01
    as_given = read_grid_file(tmp_path / "gcj.geojson")
    assert hausdorff_m(as_given.geometries[0], features[0]["geometry"]) > 100  # GCJ-02 read as WGS-84 is off


def test_a_broken_file_is_refused_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gpkg"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x01" * 300)
    with pytest.raises(GisError, match="broken.gpkg: cannot read the file"):
        read_grid_file(broken)
    truncated = tmp_path / "truncated.geojson"
    truncated.write_text(write(town_features(), tmp_path / "ok.geojson").read_text()[:200], encoding="utf-8")
    with pytest.raises(GisError, match="truncated.geojson: cannot read the file"):
        read_grid_file(truncated)
    with pytest.raises(GisError, match="grids.kml: unknown format '.kml'"):
        (tmp_path / "grids.kml").write_text("<kml/>")
        read_grid_file(tmp_path / "grids.kml")
    with pytest.raises(GisError, match="missing.gpkg: no such file"):
        read_grid_file(tmp_path / "missing.gpkg")


def test_no_crs_and_unknown_crs_are_refused(tmp_path: Path) -> None:
    zipped = write(town_features(), tmp_path / "noprj.zip", crs=None)
    with pytest.raises(GisError, match="noprj.zip: the file declares no coordinate system.*--crs"):
        read_grid_file(zipped)
    assert len(read_grid_file(zipped, crs="cgcs2000")) == len(town_features())
    with pytest.raises(GisError, match="--crs: unknown coordinate system 'EPSG:999999'"):
        read_grid_file(zipped, crs="EPSG:999999")
    with pytest.raises(GisError, match="unknown coordinate system 'moon-grid'"):
        read_grid_file(zipped, crs="moon-grid")
    with pytest.raises(GisError, match="noprj.zip: cannot convert .*Mars.2000 to WGS-84: .*Mars vs Earth"):
        read_grid_file(zipped, crs="mars2000")


def test_rows_with_missing_code_or_bad_level_become_findings(tmp_path: Path) -> None:
    features = town_features()
    features[2] = dict(features[2], code=None)
    features[3] = dict(features[3], level="two")
    path = tmp_path / "rows.geojson"
    write(features, path)
    rows = read_grid_file(path)
    kinds = {(p.kind, p.row) for p in rows.problems}
    assert kinds == {("missing_code", 3), ("bad_level", 4)}
    assert "not a whole number" in next(p.message for p in rows.problems if p.kind == "bad_level")
    json.loads(path.read_text())  # the planted file itself is valid GeoJSON
    assert LAT0 < rows.geometries[0].bounds[1] + 1


def test_files_without_boundaries_or_with_unreadable_geometry_are_named_not_crashed_on(tmp_path: Path) -> None:
    import pandas as pd

    table = tmp_path / "table.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"code": ["a"], "name": ["b"], "level": [1]}), table, layer="t")
    with pytest.raises(GisError, match="table.gpkg: the layer has no geometry column"):
        read_grid_file(table)
    bundle = tmp_path / "csv.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        z.writestr("a.csv", "x,y\n1,2\n")
    with pytest.raises(GisError, match="csv.zip: the layer has no geometry column"):
        read_grid_file(bundle)
    ring = {"type": "Polygon", "coordinates": [[[120.0, 32.3]]]}
    bad = tmp_path / "ring.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "A", "name": "a", "level": 1}, "geometry": ring}]}))
    rows = read_grid_file(bad)
    assert [(p.kind, p.row, p.code) for p in rows.problems] == [("malformed_geometry", 1, "A")]
