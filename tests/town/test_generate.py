"""The generated town: deterministic, the right size and counts, exact grid partitions, everything inside."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from cases.models import Platform, TeamStatus
from gis.models import GridLevel, StaffRole
from iot.models import SensorKind
from town.files import write_town
from town.generate import generate_town
from town.models import Town
from video.models import Mount

TO_UTM_51N = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
HAN = re.compile(r"^[\u4e00-\u9fff]+$")


def area_km2(geometry: shapely.Geometry) -> float:
    """Return a WGS-84 geometry's area in km², measured in UTM zone 51N, independently of the generator's frame."""
    return shapely.transform(geometry, TO_UTM_51N.transform, interleaved=False).area / 1e6


def children_of(town: Town, code: str) -> list[shapely.Geometry]:
    return [grid.geometry for grid in town.grids if grid.parent_code == code]


def assert_exact_partition(parts: list[shapely.Geometry], whole: shapely.Geometry) -> None:
    assert all(shapely.is_valid(parts))
    assert shapely.coverage_is_valid(parts)
    union = shapely.coverage_union_all(parts)
    assert abs(union.area - whole.area) / whole.area < 1e-6
    assert union.symmetric_difference(whole).area / whole.area < 1e-6


def test_same_seed_gives_equal_town_and_byte_identical_files(town7: Town, tmp_path: Path) -> None:
    again = generate_town(7)
    assert again == town7
    assert all(a.geometry.equals_exact(b.geometry, 0) for a, b in zip(again.grids, town7.grids, strict=True))
    first = write_town(town7, tmp_path / "first")
    second = write_town(again, tmp_path / "second")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_different_seeds_give_different_towns(town7: Town) -> None:
    other = generate_town(8)
    assert other.town_grid.name != town7.town_grid.name or other.cameras != town7.cameras
    assert not other.town_grid.geometry.equals(town7.town_grid.geometry)


def test_grid_counts_match_a_town_of_65_villages(town7: Town) -> None:
    levels = Counter(grid.level for grid in town7.grids)
    assert levels[GridLevel.TOWN] == 1
    assert 60 <= levels[GridLevel.VILLAGE] <= 70
    assert 190 <= levels[GridLevel.NATURAL_VILLAGE] <= 235
    per_village = Counter(grid.parent_code for grid in town7.grids_at(GridLevel.NATURAL_VILLAGE))
    assert set(per_village.values()) <= {3, 4}


def test_camera_sensor_and_team_counts_are_in_range(town7: Town) -> None:
    assert 650 <= len(town7.cameras) <= 750
    assert 85 <= len(town7.devices) <= 115
    kinds = Counter(device.kind for device in town7.devices)
    assert set(kinds) == set(SensorKind)
    main_four = (SensorKind.AIR_QUALITY, SensorKind.WATER_LEVEL, SensorKind.SMOKE, SensorKind.NOISE)
    assert sum(kinds[kind] for kind in main_four) > 0.75 * len(town7.devices)
    platforms = Counter(team.platform for team in town7.teams)
    assert 16 <= len(town7.teams) <= 24
    assert all(platforms[platform] >= 4 for platform in Platform)


def test_town_is_about_170_km2_near_120_0_32_3_and_not_a_rectangle(town7: Town) -> None:
    outline = town7.town_grid.geometry
    assert outline.geom_type == "Polygon"
    assert 153 <= area_km2(outline) <= 187
    assert abs(outline.centroid.x - 120.0) < 0.05 and abs(outline.centroid.y - 32.3) < 0.05
    assert len(outline.exterior.coords) > 40
    assert outline.area / outline.minimum_rotated_rectangle.area < 0.9


def test_villages_partition_the_town_exactly(town7: Town) -> None:
    villages = [grid.geometry for grid in town7.grids_at(GridLevel.VILLAGE)]
    assert_exact_partition(villages, town7.town_grid.geometry)


def test_natural_villages_partition_each_village_exactly(town7: Town) -> None:
    for village in town7.grids_at(GridLevel.VILLAGE):
        assert_exact_partition(children_of(town7, village.code), village.geometry)
    # Borders across villages match too: the finest level is one coverage of the whole town.
    finest = [grid.geometry for grid in town7.grids_at(GridLevel.NATURAL_VILLAGE)]
    assert_exact_partition(finest, town7.town_grid.geometry)


def test_codes_are_hierarchical_and_names_chinese(town7: Town) -> None:
    town_grid = town7.town_grid
    assert (town_grid.code, town_grid.parent_code) == ("321283101", None)
    assert town_grid.name.endswith("镇")
    codes = {grid.code: grid for grid in town7.grids}
    assert len(codes) == len(town7.grids)
    for village in town7.grids_at(GridLevel.VILLAGE):
        assert re.fullmatch(r"321283101\d{3}", village.code) and village.parent_code == town_grid.code
        assert village.name.endswith("村")
    for hamlet in town7.grids_at(GridLevel.NATURAL_VILLAGE):
        assert re.fullmatch(r"\d{15}", hamlet.code) and hamlet.code.startswith(hamlet.parent_code)
        assert codes[hamlet.parent_code].level == GridLevel.VILLAGE
        assert hamlet.name[-1] in "组庄垛舍圩"
    assert len({grid.name for grid in town7.grids}) == len(town7.grids)
    assert all(HAN.match(grid.name) for grid in town7.grids)
    assert all(HAN.match(person.name) and re.fullmatch(r"1\d{10}", person.phone)
               for grid in town7.grids for person in grid.staff)


def test_every_grid_has_one_head_two_members_and_villages_an_inspector(town7: Town) -> None:
    for grid in town7.grids:
        roles = [person.role for person in grid.staff]
        inspectors = [StaffRole.INSPECTOR] if grid.level == GridLevel.VILLAGE else []
        assert roles == [StaffRole.HEAD, StaffRole.MEMBER, StaffRole.MEMBER, *inspectors], grid.code


def test_every_camera_sensor_and_team_is_inside_the_town(town7: Town) -> None:
    outline = town7.town_grid.geometry
    points = np.array([(item.lon, item.lat) for item in [*town7.cameras, *town7.devices, *town7.teams]])
    assert shapely.contains_xy(outline, points[:, 0], points[:, 1]).all()


def test_cameras_have_believable_sectors_owners_and_unique_names(town7: Town) -> None:
    cameras = town7.cameras
    assert [c.id for c in cameras] == [f"CAM-{n:04d}" for n in range(1, len(cameras) + 1)]
    domes = [c for c in cameras if c.fov_deg == 360]
    assert 0.10 <= len(domes) / len(cameras) <= 0.20
    assert {c.id for c in domes} == {c.id for c in cameras if c.mount is Mount.PTZ}
    assert all(4 <= c.height_m <= 12 for c in cameras) and len({c.height_m for c in cameras}) > 10
    assert all(60 <= c.fov_deg <= 110 for c in cameras if c.fov_deg != 360)
    assert all(0 <= c.bearing_deg < 360 and 60 <= c.range_m <= 200 for c in cameras)
    assert {c.owner for c in cameras} == {"police", "traffic", "water", "town"}
    assert all(c.stream_url == "" and c.live_url == "" and c.gb_device_id is None for c in cameras)
    assert len({c.name for c in cameras}) == len(cameras)


def test_cameras_cluster_rather_than_spread_evenly(town7: Town) -> None:
    # Clark-Evans ratio: mean nearest-neighbour distance over its value for uniform random points (1.0).
    x, y = TO_UTM_51N.transform([c.lon for c in town7.cameras], [c.lat for c in town7.cameras])
    xy = np.column_stack([x, y])
    gaps = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2)
    np.fill_diagonal(gaps, np.inf)
    density = len(xy) / (area_km2(town7.town_grid.geometry) * 1e6)
    assert gaps.min(axis=1).mean() / (0.5 / np.sqrt(density)) < 0.9


def test_sensor_ids_follow_their_kind(town7: Town) -> None:
    prefixes = {
        "AQ": "air_quality", "WL": "water_level", "SM": "smoke", "NS": "noise", "CC": "cold_chain", "CB": "care_button"
    }
    assert len({d.id for d in town7.devices}) == len(town7.devices)
    for device in town7.devices:
        prefix, number = device.id.split("-")
        assert prefixes[prefix] == device.kind.value and re.fullmatch(r"\d{3}", number)
        assert re.search(r"[\u4e00-\u9fff]", device.name)


def test_teams_are_available_with_members_and_phones(town7: Town) -> None:
    prefixes = {
        Platform.GOVERNANCE: "GOV", Platform.MARKET: "MKT", Platform.ENFORCEMENT: "ENF", Platform.SERVICE: "SVC"
    }
    for team in town7.teams:
        assert re.fullmatch(rf"T-{prefixes[team.platform]}-\d{{2}}", team.id)
        assert team.status is TeamStatus.AVAILABLE and team.position is not None
        assert 3 <= team.members <= 6
        assert re.fullmatch(r"1[3-9]\d{9}", team.phone)
        assert HAN.match(team.name)


@pytest.mark.parametrize("seed", [0, 1, 2024])
def test_other_seeds_also_partition_exactly(seed: int) -> None:
    town = generate_town(seed)
    villages = [grid.geometry for grid in town.grids_at(GridLevel.VILLAGE)]
    assert_exact_partition(villages, town.town_grid.geometry)
    assert shapely.coverage_is_valid([grid.geometry for grid in town.grids_at(GridLevel.NATURAL_VILLAGE)])
