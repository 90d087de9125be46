"""Town files: write and read back unchanged, convert Chinese coordinate systems, and say exactly what is wrong."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import mapping

from gis.crs import Crs, from_wgs84
from gis.errors import GisError
from gis.geometry import haversine_m
from gis.models import GridLevel
from town.files import read_town, write_town
from town.models import Town


def edit_csv(path: Path, line: int, field: str, value: str) -> None:
    """Set one field on one line (the header is line 1) of a CSV file."""
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[line - 1][rows[0].index(field)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def edit_features(path: Path, change: Callable[[list[dict[str, Any]]], None]) -> None:
    """Apply change to the feature list of a GeoJSON file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data["features"])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def shifted(geometry: shapely.Geometry, crs: Crs) -> dict[str, Any]:
    """Return a WGS-84 geometry as GeoJSON with every vertex moved into crs, as a Chinese web map would give it."""
    moved = shapely.transform(geometry, lambda xy: [from_wgs84(x, y, crs) for x, y in xy])
    return mapping(moved)


def test_write_town_writes_its_data_files_and_a_summary(town7: Town, tmp_path: Path) -> None:
    paths = write_town(town7, tmp_path / "out")
    assert [p.name for p in paths] == ["grids.geojson", "cameras.csv", "sensors.csv", "teams.csv", "roads.geojson",
                                       "town.json"]
    assert all(p.parent == tmp_path / "out" and p.stat().st_size > 0 for p in paths)


def test_read_back_gives_an_equal_town_with_identical_geometries(town7: Town, town7_files: Path) -> None:
    again = read_town(town7_files)
    assert again == town7
    assert again.seed == 7
    assert all(a.geometry.equals_exact(b.geometry, 0) for a, b in zip(again.grids, town7.grids, strict=True))


def test_town_json_records_seed_counts_bbox_and_no_clock_time(town7: Town, town7_files: Path) -> None:
    summary = json.loads((town7_files / "town.json").read_text(encoding="utf-8"))
    assert summary["seed"] == 7
    assert summary["counts"]["cameras"] == len(town7.cameras)
    assert summary["counts"]["grids"]["village"] == len(town7.grids_at(GridLevel.VILLAGE))
    lon_min, lat_min, lon_max, lat_max = summary["bbox"]
    assert all(lon_min <= c.lon <= lon_max and lat_min <= c.lat <= lat_max for c in town7.cameras)
    assert 153 <= summary["area_km2"] <= 187
    assert not any("time" in key or key.endswith("_at") for key in summary)


def test_files_changed_by_a_user_no_longer_claim_the_seed(town_dir: Path) -> None:
    lines = (town_dir / "cameras.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (town_dir / "cameras.csv").write_text("".join(lines[:-1]), encoding="utf-8")
    assert read_town(town_dir).seed is None


def test_town_without_csv_files_or_summary_reads_grids_only(town_dir: Path) -> None:
    for name in ("cameras.csv", "sensors.csv", "teams.csv", "town.json"):
        (town_dir / name).unlink()
    town = read_town(town_dir)
    assert town.grids and not town.cameras and not town.devices and not town.teams and town.seed is None


def test_grids_in_gcj02_with_one_feature_in_bd09_come_back_in_wgs84(town7: Town, tmp_path: Path) -> None:
    village = town7.grids_at(GridLevel.VILLAGE)[0]
    grids = [town7.town_grid, village, *[g for g in town7.grids if g.parent_code == village.code]]
    features = []
    for index, grid in enumerate(grids):
        crs = Crs.BD09 if index == 2 else Crs.GCJ02
        props = {"code": grid.code, "name": grid.name, "level": int(grid.level), "parent_code": grid.parent_code}
        if crs is Crs.BD09:
            props["crs"] = "bd09"
        features.append({"type": "Feature", "properties": props, "geometry": shifted(grid.geometry, crs)})
    collection = {"type": "FeatureCollection", "crs": "gcj02", "features": features}
    (tmp_path / "grids.geojson").write_text(json.dumps(collection), encoding="utf-8")
    read = read_town(tmp_path).grids
    for index, (original, converted) in enumerate(zip(grids, read, strict=True)):
        # GCJ-02 and BD-09 are 300-700 m off here, so a few metres back means every vertex was converted;
        # gis.crs inverts GCJ-02 to a millimetre but BD-09 only to about 2 m (prcoords.bd_wgs, not bored).
        tolerance_deg = 3e-5 if index == 2 else 1e-5
        assert shapely.hausdorff_distance(original.geometry, converted.geometry) < tolerance_deg


def test_old_style_crs_object_naming_crs84_is_read_as_wgs84(town7: Town, town_dir: Path) -> None:
    path = town_dir / "grids.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read_town(town_dir).town_grid.geometry.equals_exact(town7.town_grid.geometry, 0)


def test_crs_column_converts_that_row_to_wgs84(town7: Town, town_dir: Path) -> None:
    device = town7.devices[0]
    lon, lat = from_wgs84(device.lon, device.lat, Crs.GCJ02)
    edit_csv(town_dir / "sensors.csv", 2, "lon", str(lon))
    edit_csv(town_dir / "sensors.csv", 2, "lat", str(lat))
    edit_csv(town_dir / "sensors.csv", 2, "crs", "gcj02")
    read = read_town(town_dir).devices[0]
    assert haversine_m(read.lon, read.lat, device.lon, device.lat) < 1.0


@pytest.mark.parametrize(
    ("file", "line", "field", "value", "message"),
    [
        ("sensors.csv", 14, "lon", "abc", "sensors.csv line 14: lon 'abc' is not a number"),
        ("sensors.csv", 7, "kind", "radar", "sensors.csv line 7: kind 'radar' is not one of air_quality"),
        ("cameras.csv", 5, "id", "CAM-0002", "cameras.csv line 5: id 'CAM-0002' is already used on line 3"),
        ("cameras.csv", 9, "fov_deg", "400", "cameras.csv line 9: fov_deg '400' is outside 1..360"),
        ("cameras.csv", 11, "lat", "95", "cameras.csv line 11: lat 95.0 is outside -90..90"),
        ("cameras.csv", 12, "crs", "utm", "cameras.csv line 12: crs: unknown coordinate system 'utm'"),
        ("teams.csv", 3, "platform", "police", "teams.csv line 3: platform 'police' is not one of governance"),
        ("teams.csv", 4, "members", "many", "teams.csv line 4: members 'many' is not a whole number"),
        ("teams.csv", 5, "name", "", "teams.csv line 5: name is empty"),
    ],
)
def test_bad_csv_field_is_reported_with_file_line_and_field(
    town_dir: Path, file: str, line: int, field: str, value: str, message: str
) -> None:
    edit_csv(town_dir / file, line, field, value)
    with pytest.raises(GisError) as caught:
        read_town(town_dir)
    assert str(caught.value).startswith(message)


def test_missing_column_is_reported_on_the_header_line(town_dir: Path) -> None:
    path = town_dir / "cameras.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([row[:3] + row[4:] for row in rows])
    with pytest.raises(GisError, match=r"^cameras\.csv line 1: missing column\(s\) lat$"):
        read_town(town_dir)


def test_csv_not_in_utf8_is_reported_by_file(town_dir: Path) -> None:
    path = town_dir / "teams.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    with pytest.raises(GisError, match=r"^teams\.csv: not UTF-8"):
        read_town(town_dir)


def bow_tie(features: list[dict[str, Any]]) -> None:
    ring = [[120, 32.3], [120.01, 32.31], [120.01, 32.3], [120, 32.31], [120, 32.3]]
    features[4]["geometry"] = {"type": "Polygon", "coordinates": [ring]}


def two_point_ring(features: list[dict[str, Any]]) -> None:
    features[4]["geometry"] = {"type": "Polygon", "coordinates": [[[120, 32.3], [120.01, 32.31]]]}


def point_geometry(features: list[dict[str, Any]]) -> None:
    features[4]["geometry"] = {"type": "Point", "coordinates": [120, 32.3]}


def unknown_parent(features: list[dict[str, Any]]) -> None:
    features[9]["properties"]["parent_code"] = "999"


def duplicate_code(features: list[dict[str, Any]]) -> None:
    features[9]["properties"]["code"] = features[8]["properties"]["code"]


def parent_two_levels_up(features: list[dict[str, Any]]) -> None:
    features[-1]["properties"]["parent_code"] = features[0]["properties"]["code"]


def bad_level(features: list[dict[str, Any]]) -> None:
    features[4]["properties"]["level"] = "village"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (bow_tie, r"^grids\.geojson feature 5 \(code \d+\): geometry is not valid: Self-intersection"),
        (two_point_ring, r"^grids\.geojson feature 5 \(code \d+\): geometry is malformed"),
        (point_geometry, r"^grids\.geojson feature 5 \(code \d+\): geometry must be a Polygon or MultiPolygon"),
        (unknown_parent, r"^grids\.geojson feature 10 \(code \d+\): parent_code '999' is not the code of any grid"),
        (duplicate_code, r"^grids\.geojson feature 10: code '\d+' is already used by feature 9$"),
        (parent_two_levels_up, r"^grids\.geojson feature \d+ \(code \d+\): parent_code '321283101' is a level-1 grid"),
        (bad_level, r"^grids\.geojson feature 5 \(code \d+\): level 'village' is not a whole number from 1 \(1 is the coarsest level\)$"),
    ],
)
def test_bad_grid_feature_is_reported_with_file_feature_and_field(
    town_dir: Path, change: Callable[[list[dict[str, Any]]], None], message: str
) -> None:
    edit_features(town_dir / "grids.geojson", change)
    with pytest.raises(GisError, match=message):
        read_town(town_dir)


def test_grids_file_that_is_not_json_is_reported_with_its_line(town_dir: Path) -> None:
    path = town_dir / "grids.geojson"
    broken = path.read_text(encoding="utf-8").replace('"type":"Feature",', '"type":"Feature"', 1)
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(GisError, match=r"^grids\.geojson line 2: not valid JSON"):
        read_town(town_dir)


def test_missing_grids_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GisError, match=r"^grids\.geojson: not found"):
        read_town(tmp_path)
