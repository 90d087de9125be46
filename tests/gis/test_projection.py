"""CGCS2000 Gauss-Krüger zones: zone choice, pyproj against an independent Krüger series, parse_crs, boundaries."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gis.crs import Crs, from_wgs84, normalise_position, parse_crs, to_wgs84
from gis.crs_bulk import from_wgs84_many, to_wgs84_many
from gis.errors import GisError
from gis.geometry import haversine_m
from gis.projection import GaussKruger, gauss_kruger, zone_for_lon

# CGCS2000 ellipsoid (GB 11643 / EPSG:1024): a = 6378137 m, 1/f = 298.257222101.
A, F = 6_378_137.0, 1 / 298.257222101


def kruger_forward(lon: float, lat: float, cm: float, false_easting: float) -> tuple[float, float]:
    """Gauss-Krüger by Krüger's n-series (three terms, millimetre-exact within a few degrees of the CM), k0 = 1.

    Written here from the published series (Krüger 1912; the form given for UTM in e.g. Wikipedia's "Universal
    Transverse Mercator" article), so it shares no code with PROJ.
    """
    n = F / (2 - F)
    big_a = A / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    alpha = (n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16, 13 * n**2 / 48 - 3 * n**3 / 5, 61 * n**3 / 240)
    phi, dlam = math.radians(lat), math.radians(lon - cm)
    c = 2 * math.sqrt(n) / (1 + n)
    t = math.sinh(math.atanh(math.sin(phi)) - c * math.atanh(c * math.sin(phi)))
    xi, eta = math.atan(t / math.cos(dlam)), math.atanh(math.sin(dlam) / math.sqrt(1 + t * t))
    east = eta + sum(a * math.cos(2 * j * xi) * math.sinh(2 * j * eta) for j, a in enumerate(alpha, 1))
    north = xi + sum(a * math.sin(2 * j * xi) * math.cosh(2 * j * eta) for j, a in enumerate(alpha, 1))
    return false_easting + big_a * east, big_a * north


def test_zone_numbers_central_meridians_and_false_eastings_follow_the_epsg_ranges():
    assert gauss_kruger(4513) == GaussKruger(4513, 25, 3, 75, True)
    assert gauss_kruger(4527) == GaussKruger(4527, 39, 3, 117, True)
    assert gauss_kruger(4533) == GaussKruger(4533, 45, 3, 135, True)
    assert gauss_kruger(4534) == GaussKruger(4534, 25, 3, 75, False)
    assert gauss_kruger(4549) == GaussKruger(4549, 40, 3, 120, False)
    assert gauss_kruger(4491) == GaussKruger(4491, 13, 6, 75, True)
    assert gauss_kruger(4512) == GaussKruger(4512, 23, 6, 135, False)
    assert gauss_kruger(4490) is None and gauss_kruger(4555) is None
    assert gauss_kruger(4527).false_easting == 39_500_000 and gauss_kruger(4549).false_easting == 500_000


@pytest.mark.parametrize(("lon", "epsg"), [(120.1, 4528), (118.49, 4527), (118.51, 4528), (75.0, 4513),
                                           (135.9, 4533), (73.6, 4513)])
def test_zone_from_longitude_is_the_nearest_central_meridian(lon, epsg):
    assert zone_for_lon(lon).epsg == epsg
    assert zone_for_lon(lon, zone_prefixed=False).epsg == epsg + 21
    assert abs(zone_for_lon(lon).central_meridian - lon) <= 1.5 or lon < 75 or lon > 135


def test_zone_from_longitude_refuses_points_outside_chinas_zones():
    with pytest.raises(GisError, match="outside China's Gauss-Krüger zones"):
        zone_for_lon(10.0)


@pytest.mark.parametrize("epsg", [4513, 4520, 4527, 4528, 4533, 4534, 4549, 4554])
def test_pyproj_forward_matches_the_independent_kruger_series_within_a_millimetre(epsg):
    zone = gauss_kruger(epsg)
    for d_lon in (-1.5, -0.7, 0.0, 0.4, 1.5):
        for lat in (18.2, 30.0, 32.3, 45.1, 53.4):
            lon = zone.central_meridian + d_lon
            x, y = from_wgs84(lon, lat, zone)
            ex, ey = kruger_forward(lon, lat, zone.central_meridian, zone.false_easting)
            assert math.hypot(x - ex, y - ey) < 0.001, (lon, lat)


def test_known_point_central_meridian_at_the_equator_and_a_degree_of_meridian_arc():
    # On the CM, easting is the false easting exactly; northing is the meridian arc (10,001,965.7 m to the pole on
    # GRS80/CGCS2000, so 30 degrees is about 3,320,113 m).
    x, y = from_wgs84(117.0, 30.0, parse_crs("EPSG:4527"))
    assert x == pytest.approx(39_500_000.0, abs=1e-6)
    assert y == pytest.approx(kruger_forward(117.0, 30.0, 117, 0)[1], abs=0.001)
    assert 3_320_000 < y < 3_320_200


@pytest.mark.parametrize("epsg", [4527, 4549, 4499])
def test_inverse_round_trips_within_a_millimetre(epsg):
    zone = gauss_kruger(epsg)
    rng = np.random.default_rng(4)
    lons = zone.central_meridian + rng.uniform(-zone.width_deg / 2, zone.width_deg / 2, 500)
    lats = rng.uniform(18.0, 53.0, 500)
    xs, ys = from_wgs84_many(lons, lats, zone)
    back_lon, back_lat = to_wgs84_many(xs, ys, zone)
    worst = max(haversine_m(a, b, c, d) for a, b, c, d in zip(back_lon, back_lat, lons, lats, strict=True))
    assert worst < 0.001
    # one point agrees with the vectorised path
    assert to_wgs84(float(xs[7]), float(ys[7]), zone) == pytest.approx((back_lon[7], back_lat[7]), abs=1e-12)


@pytest.mark.parametrize(("text", "expected"), [
    ("EPSG:4326", Crs.WGS84), ("epsg:4490", Crs.CGCS2000), ("4490", Crs.CGCS2000), ("CGCS2000", Crs.CGCS2000),
    ("EPSG:4527", gauss_kruger(4527)), ("urn:ogc:def:crs:EPSG::4549", gauss_kruger(4549)),
    (" EPSG:4534 ", gauss_kruger(4534)), ("GCJ-02", Crs.GCJ02), (None, Crs.WGS84),
])
def test_parse_crs_accepts_names_and_epsg_codes(text, expected):
    assert parse_crs(text) == expected


@pytest.mark.parametrize(("text", "says"), [
    ("EPSG:3857", "EPSG:3857 is not supported"), ("EPSG:4555", "EPSG:4555 is not supported"),
    ("mars", "unknown coordinate system 'mars'"), ("EPSG:", "unknown coordinate system"),
])
def test_parse_crs_refuses_unknown_systems_naming_what_is_allowed(text, says):
    with pytest.raises(GisError, match=says) as caught:
        parse_crs(text, where="body.crs")
    assert "body.crs" in str(caught.value) and "EPSG:4491..4554" in str(caught.value)


def test_normalise_position_takes_easting_northing_in_a_zone():
    x, y = from_wgs84(120.0123, 32.3456, gauss_kruger(4528))
    lon, lat = normalise_position(x, y, "EPSG:4528")
    assert haversine_m(lon, lat, 120.0123, 32.3456) < 0.001


@pytest.mark.parametrize(("x", "y", "says"), [
    (3_580_000.0, 40_500_000.0, "swapped"),          # northing given first
    (39_500_000.0, 3_580_000.0, "not in EPSG:4528"),  # a zone-39 easting given as zone 40
    ("east", 3_580_000.0, "must be numbers"),
    (float("nan"), 3_580_000.0, "finite"),
])
def test_normalise_position_refuses_coordinates_not_in_the_zone(x, y, says):
    with pytest.raises(GisError, match=says):
        normalise_position(x, y, "EPSG:4528", where="body lon/lat")
