"""Export: RFC 7946 GeoJSON, a GeoPackage layer with a level column, a zipped UTF-8 Shapefile; each read back keeps
every attribute and the geometry within 1 cm."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from gis.errors import GisError
from gis.grid_export import export_grids
from gis.grid_files import read_grid_file
from gis.models import Grid, GridStaff, StaffRole
from gis.staff_text import staff_from_text, staff_text
from tests.gis.grid_builders import town_features
from tests.gis.test_grid_files import hausdorff_m

STAFF = (GridStaff(StaffRole.HEAD, "王芳", "13800000000", "wang.fang"), GridStaff(StaffRole.MEMBER, "李雷"),
         GridStaff(StaffRole.INSPECTOR, "韩梅梅", "13900000000"))
SUFFIX = {"geojson": ".geojson", "gpkg": ".gpkg", "shp": ".zip"}


def grids() -> list[Grid]:
    """Return the test town with odd shapes: a clockwise ring, a hole, a multipolygon, irrational coordinates."""
    out = [Grid(f["code"], f["name"], f["level"], f["parent_code"], f["geometry"], STAFF) for f in town_features()]
    x0, y0, x1, y1 = out[2].geometry.bounds
    clockwise = Polygon([(x0, y0), (x0, y1), (x1 + 1 / 3e3 - 1 / 3e3, y1), (x1, y0)])
    out[2] = Grid(out[2].code, out[2].name, 3, out[2].parent_code, clockwise, ())
    holed = box(*out[3].geometry.bounds).difference(out[3].geometry.centroid.buffer(0.001))
    out[3] = Grid(out[3].code, out[3].name, 3, out[3].parent_code, holed, STAFF)
    a, b, c, d = out[4].geometry.bounds
    split = MultiPolygon([box(a, b, (a + c) / 2, d), box((a + c) / 2 + 1e-7 * np.pi, b, c, d)])
    out[4] = Grid(out[4].code, out[4].name, 3, out[4].parent_code, split, STAFF)
    return out


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp"])
def test_export_then_read_keeps_every_attribute_and_geometry_within_a_centimetre(tmp_path: Path, fmt: str) -> None:
    original = grids()
    out = tmp_path / f"grids{SUFFIX[fmt]}"
    assert export_grids(original, fmt=fmt, out=out, set_id=7) == len(original)
    rows = read_grid_file(out)
    by_code = {g.code: g for g in original}
    assert sorted(rows.codes) == sorted(by_code)
    for i, code in enumerate(rows.codes):
        grid = by_code[code]
        staff = staff_from_text(rows.staff[i], where=code)
        assert (rows.names[i], int(rows.levels[i]), rows.parents[i], staff) == (
            grid.name, grid.level, grid.parent_code, grid.staff)
        assert hausdorff_m(rows.geometries[i], grid.geometry) < 0.01
        assert rows.geometries[i].geom_type == grid.geometry.geom_type


def test_geojson_follows_rfc7946(tmp_path: Path) -> None:
    out = tmp_path / "grids.geojson"
    export_grids(grids(), fmt="geojson", out=out, set_id=3)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and "crs" not in data
    for feature in data["features"]:
        assert feature["properties"]["set_id"] == 3 and "staff" in feature["properties"]
        shape = shapely.geometry.shape(feature["geometry"])
        for polygon in getattr(shape, "geoms", [shape]):
            assert polygon.exterior.is_ccw  # the right-hand rule: exteriors counter-clockwise
            assert all(not ring.is_ccw for ring in polygon.interiors)
        xy = shapely.get_coordinates(shape)
        assert (xy[:, 0] > 119).all() and (xy[:, 1] < 33).all()  # lon first
    assert "王芳" in out.read_text(encoding="utf-8")  # UTF-8 text, not \\u escapes
    top = data["features"][0]["properties"]
    assert top["parent_code"] is None and top["level"] == 1


def test_shapefile_is_a_zip_with_prj_and_utf8_cpg_and_short_field_names(tmp_path: Path) -> None:
    out = tmp_path / "grids.zip"
    export_grids(grids(), fmt="shp", out=out, set_id=1)
    names = zipfile.ZipFile(out).namelist()
    assert sorted(Path(n).suffix for n in names) == [".cpg", ".dbf", ".prj", ".shp", ".shx"]
    assert zipfile.ZipFile(out).read(next(n for n in names if n.endswith(".cpg"))).decode().strip().upper() in (
        "UTF-8", "UTF8")
    fields = pyogrio.read_info(out)["fields"]
    assert all(len(f) <= 10 for f in fields) and set(fields) == {"code", "name", "level", "parent", "staff", "set_id"}


def test_gpkg_is_one_layer_with_a_level_column_and_level_filters(tmp_path: Path) -> None:
    out = tmp_path / "grids.gpkg"
    assert export_grids(grids(), fmt="gpkg", out=out, level=2) == 4
    assert [name for name, _ in pyogrio.list_layers(out)] == ["grids"]
    assert set(read_grid_file(out).levels.tolist()) == {2}


def test_bad_export_requests_are_refused(tmp_path: Path) -> None:
    with pytest.raises(GisError, match="--format 'kml'"):
        export_grids(grids(), fmt="kml", out=tmp_path / "x.kml")
    with pytest.raises(GisError, match="no grids to export at level 9"):
        export_grids(grids(), fmt="gpkg", out=tmp_path / "x.gpkg", level=9)
    long_staff = [Grid("T", "t", 1, None, box(0, 0, 1, 1), (GridStaff(StaffRole.MEMBER, "x" * 300),))]
    with pytest.raises(GisError, match="grid T: staff is 3.. bytes.*GeoPackage"):
        export_grids(long_staff, fmt="shp", out=tmp_path / "x.zip")


def test_staff_text_round_trips_and_bad_staff_is_named() -> None:
    assert staff_from_text(staff_text(STAFF), where="x") == STAFF and staff_text(()) == ""
    assert staff_from_text(" 王芳 ", where="x") == (GridStaff(StaffRole.HEAD, "王芳"),)  # the old town-file text
    for text, message in (("[{", "staff is not JSON"),
                          ('[{"role": "head", "name": "a"}, {"role": "head", "name": "b"}]', "2 heads"), ('{"name": "a"}', "JSON list"),
                          ('[{"role": "boss", "name": "a"}]', "role 'boss' is not one of"),
                          ('[{"role": "head"}]', "staff 1 needs a name"),
                          ('[{"role": "head", "name": "a", "age": 3}]', "unknown fields age")):
        with pytest.raises(GisError, match=f"row 4: .*{message}"):
            staff_from_text(text, where="row 4")
