"""Covering cameras: fixed sectors (edges, across north), PTZ cameras with the bearing to turn, health ranking."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

from cases.locator import Locator
from tests.factories import make_camera
from video.health import Health
from video.models import Mount
from video.sectors import view_polygon

GEOD = Geod(ellps="WGS84")
LON, LAT = 120.0, 32.3


def at(azimuth: float, distance_m: float, lon: float = LON, lat: float = LAT) -> tuple[float, float]:
    """Return the point distance_m from (lon, lat) along a geodesic azimuth (ground truth, not the code under test)."""
    x, y, _ = GEOD.fwd(lon, lat, azimuth, distance_m)
    return x, y


def ids(locator: Locator, point: tuple[float, float], **kwargs: object) -> list[str]:
    return [c.item.id for c in locator.covering_cameras(*point, **kwargs)]  # type: ignore[arg-type]


@pytest.mark.parametrize(("azimuth", "distance", "seen"), [
    (45.0, 100.0, True), (16.0, 100.0, True), (74.0, 100.0, True),  # inside, and a degree in from both edges
    (14.0, 100.0, False), (76.0, 100.0, False),  # a degree out past both edges
    (45.0, 149.0, True), (45.0, 151.0, False),  # a metre either side of the range
    (225.0, 50.0, False),  # behind the camera
])
def test_fixed_camera_sees_only_inside_its_wedge(azimuth: float, distance: float, seen: bool) -> None:
    locator = Locator.of_cameras([make_camera("c", lon=LON, lat=LAT, bearing_deg=45.0, fov_deg=60.0, range_m=150.0)])
    assert bool(ids(locator, at(azimuth, distance))) is seen


@pytest.mark.parametrize(("bearing", "azimuth", "seen"), [
    (0.0, 355.0, True), (0.0, 5.0, True), (0.0, 345.0, False), (0.0, 15.0, False),
    (350.0, 5.0, True), (350.0, 335.0, True), (350.0, 15.0, False), (350.0, 325.0, False),
])
def test_a_sector_across_north_wraps(bearing: float, azimuth: float, seen: bool) -> None:
    locator = Locator.of_cameras([make_camera("c", lon=LON, lat=LAT, bearing_deg=bearing, fov_deg=40.0 if bearing
                                              else 20.0, range_m=150.0)])
    assert bool(ids(locator, at(azimuth, 100.0))) is seen


@pytest.mark.parametrize("azimuth", [10.0, 100.0, 200.0, 300.0])
def test_ptz_camera_within_range_says_where_to_turn(azimuth: float) -> None:
    ptz = make_camera("dome", lon=LON, lat=LAT, bearing_deg=0.0, fov_deg=60.0, range_m=150.0, mount=Mount.PTZ)
    locator = Locator.of_cameras([ptz])
    [hit] = locator.covering_cameras(*at(azimuth, 120.0))
    assert hit.turn_to_deg == pytest.approx(azimuth, abs=0.05)
    assert hit.bearing_to_point_deg == pytest.approx(azimuth, abs=0.05)
    assert hit.off_axis_deg == 0.0 and hit.distance_m == pytest.approx(120.0, abs=0.05)
    assert locator.covering_cameras(*at(azimuth, 155.0)) == []


def test_fixed_camera_reports_distance_bearing_and_angle_off_axis() -> None:
    locator = Locator.of_cameras([make_camera("c", lon=LON, lat=LAT, bearing_deg=350.0, fov_deg=60.0,
                                              range_m=200.0)])
    [hit] = locator.covering_cameras(*at(10.0, 180.0))
    assert hit.distance_m == pytest.approx(180.0, abs=0.05)
    assert hit.bearing_to_point_deg == pytest.approx(10.0, abs=0.05)
    assert hit.off_axis_deg == pytest.approx(20.0, abs=0.05) and hit.turn_to_deg is None


def test_nearer_and_more_central_cameras_rank_first() -> None:
    target = at(0.0, 0.0)
    # score = distance + 100 m × off-axis / half the field of view: 60, 80, 60 + 100 × 25/30 ≈ 143, 180.
    cams = [
        make_camera("far", **_looking_at(target, 180.0, 180.0)),
        make_camera("edge", **_looking_at(target, 90.0, 60.0, off=25.0)),
        make_camera("central", **_looking_at(target, 270.0, 80.0)),
        make_camera("near", **_looking_at(target, 180.0, 60.0)),
    ]
    assert ids(Locator.of_cameras(cams), target) == ["near", "central", "edge", "far"]


def test_unhealthy_cameras_come_after_healthy_ones_but_stay_listed_and_marked() -> None:
    target = at(0.0, 0.0)
    cams = [make_camera(f"c{d}", **_looking_at(target, 180.0 + d, 30.0 + d)) for d in (0, 10, 20, 30)]
    health = {"c0": Health.OFFLINE, "c10": Health.OK, "c30": Health.OK}  # c20 never probed
    found = Locator.of_cameras(cams).covering_cameras(*target, health=health)
    assert [(c.item.id, c.health, c.healthy) for c in found] == [
        ("c10", Health.OK, True), ("c30", Health.OK, True), ("c20", None, False), ("c0", Health.OFFLINE, False)]
    assert [c.item.id for c in Locator.of_cameras(cams).covering_cameras(*target, health=health, limit=2)] == [
        "c10", "c30"]


def test_health_lookup_is_asked_once_for_the_candidates_only() -> None:
    target = at(0.0, 0.0)
    cams = [make_camera("sees", **_looking_at(target, 180.0, 50.0)), make_camera("away", lon=121.0, lat=33.0)]
    asked: list[list[str]] = []

    def lookup(camera_ids: list[str]) -> dict[str, Health]:
        asked.append(list(camera_ids))
        return {"sees": Health.FROZEN}

    [hit] = Locator.of_cameras(cams).covering_cameras(*target, health=lookup)
    assert asked == [["sees"]] and hit.health is Health.FROZEN


def test_sector_polygon_agrees_with_the_index() -> None:
    cams = [make_camera("fixed", lon=LON, lat=LAT, bearing_deg=355.0, fov_deg=70.0, range_m=180.0),
            make_camera("dome", lon=LON + 0.001, lat=LAT, bearing_deg=0.0, fov_deg=60.0, range_m=120.0,
                        mount=Mount.PTZ)]
    locator = Locator.of_cameras(cams)
    rng = np.random.default_rng(1)
    for _ in range(400):
        point = at(float(rng.uniform(0, 360)), float(rng.uniform(0, 220)))
        by_polygon = {c.id for c in cams if view_polygon(c).contains(shapely.Point(point))}
        by_index = set(ids(locator, point))
        # Vertices every 5° cut the arc by at most range × (1 - cos 2.5°) ≈ 0.2 m; such points may differ.
        near_arc = any(abs(GEOD.inv(c.lon, c.lat, *point)[2] - c.range_m) < 0.5 for c in cams)
        assert by_polygon == by_index or near_arc


def _looking_at(target: tuple[float, float], from_azimuth: float, distance_m: float,
                off: float = 0.0) -> dict[str, float]:
    """Return camera fields placing it distance_m from target (towards from_azimuth), looking at it (± off)."""
    lon, lat = at(from_azimuth, distance_m, *target)
    return {"lon": lon, "lat": lat, "bearing_deg": (from_azimuth + 180.0 + off) % 360, "fov_deg": 60.0,
            "range_m": 200.0}
