"""WGS-84 <-> GCJ-02 / BD-09: the inverse within 0.5 m over China, and no shift at all outside China."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from gis.crs import Crs, from_wgs84, in_china, normalise_position, to_wgs84
from gis.crs_bulk import from_wgs84_many, to_wgs84_many
from gis.errors import GisError

SHIFTED = (Crs.GCJ02, Crs.BD09)
M_PER_DEG = 111_320.0

# Outside prcoords' box (lat 0.8293..55.8271, lon 72.004..137.8347), every system is WGS-84.
OUTSIDE = [(2.3522, 48.8566), (-74.006, 40.7128), (151.2093, -33.8688), (72.0039, 30.0), (137.8348, 40.0),
           (105.0, 0.8292), (105.0, 55.8272), (0.0, 0.0)]
# Just inside each edge, far enough in that the shifted point is still in the box (the forward shift is under
# 1.5 km, so within about 0.015 degrees of the east and north edges a shifted point leaves the box; that band is
# sea or foreign land, never Chinese territory).
JUST_INSIDE = [(72.005, 30.0), (137.81, 40.0), (105.0, 0.83), (105.0, 55.80), (120.0, 30.0)]


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    d_lon = (a[0] - b[0]) * math.cos(math.radians(a[1]))
    return math.hypot(d_lon, a[1] - b[1]) * M_PER_DEG


@pytest.fixture(autouse=True)
def _no_warnings():
    # prcoords warns "Non-Chinese coords" when handed such a point; we never let it.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize("crs", SHIFTED)
def test_forward_then_inverse_within_half_a_metre_over_china(crs):
    worst = max(_metres(to_wgs84(*from_wgs84(lon, lat, crs), crs), (lon, lat))
                for lon in np.arange(73.0, 135.01, 1.0) for lat in np.arange(18.0, 53.51, 0.5))
    assert worst < 0.5
    assert worst < 0.001  # what the iteration actually reaches


@pytest.mark.parametrize("crs", SHIFTED)
@pytest.mark.parametrize("point", JUST_INSIDE)
def test_just_inside_the_box_is_shifted_and_comes_back(point, crs):
    shifted = from_wgs84(*point, crs)
    assert in_china(*shifted) and _metres(shifted, point) > 50
    assert _metres(to_wgs84(*shifted, crs), point) < 0.5


@pytest.mark.parametrize("crs", SHIFTED)
@pytest.mark.parametrize("point", OUTSIDE)
def test_outside_china_is_never_shifted_either_way(point, crs):
    assert from_wgs84(*point, crs) == point
    assert to_wgs84(*point, crs) == point
    assert normalise_position(point[0], point[1], crs.value) == point


@pytest.mark.parametrize("crs", [Crs.WGS84, Crs.CGCS2000])
def test_wgs84_and_cgcs2000_are_the_identity(crs):
    assert to_wgs84(120.1, 30.2, crs) == (120.1, 30.2) == from_wgs84(120.1, 30.2, crs)


@pytest.mark.parametrize("crs", SHIFTED)
def test_bulk_agrees_with_the_scalar_path_within_a_millimetre(crs):
    rng = np.random.default_rng(10)
    lons = np.concatenate([rng.uniform(60.0, 150.0, 3000), [p[0] for p in OUTSIDE + JUST_INSIDE]])
    lats = np.concatenate([rng.uniform(-5.0, 60.0, 3000), [p[1] for p in OUTSIDE + JUST_INSIDE]])
    f_lon, f_lat = from_wgs84_many(lons, lats, crs)
    i_lon, i_lat = to_wgs84_many(f_lon, f_lat, crs)
    for k in range(lons.size):
        assert _metres((f_lon[k], f_lat[k]), from_wgs84(lons[k], lats[k], crs)) < 0.001
        assert _metres((i_lon[k], i_lat[k]), to_wgs84(f_lon[k], f_lat[k], crs)) < 0.001


@pytest.mark.parametrize("crs", SHIFTED)
def test_bulk_leaves_points_outside_china_unchanged(crs):
    lons, lats = np.array([p[0] for p in OUTSIDE]), np.array([p[1] for p in OUTSIDE])
    for convert in (to_wgs84_many, from_wgs84_many):
        out_lon, out_lat = convert(lons, lats, crs)
        assert np.array_equal(out_lon, lons) and np.array_equal(out_lat, lats)


@pytest.mark.parametrize("crs", list(Crs))
def test_bulk_keeps_shape_returns_float64_and_never_aliases_input(crs):
    lons = np.array([[120, 121], [3, 4]], dtype=np.int64)
    lats = [[30, 31], [50, 51]]
    for convert in (to_wgs84_many, from_wgs84_many):
        out_lon, out_lat = convert(lons, lats, crs)
        assert out_lon.shape == out_lat.shape == (2, 2) and out_lon.dtype == out_lat.dtype == np.float64
        out_lon[0, 0] = 0.0
        assert lons[0, 0] == 120
    empty = to_wgs84_many(np.array([]), np.array([]), crs)
    assert empty[0].shape == (0,)


@pytest.mark.parametrize("convert", [to_wgs84_many, from_wgs84_many])
@pytest.mark.parametrize(("lons", "lats", "message"), [
    ([120.0, np.nan], [30.0, 31.0], r"must be finite: 1 point\(s\) are not, the first at index 1"),
    ([120.0, 121.0], [30.0, np.inf], "must be finite"),
    ([120.0, 190.0], [30.0, 31.0], "out of range at index 1"),
    ([120.0], [30.0, 31.0], "same shape"),
])
def test_bulk_refuses_bad_input_with_a_clear_error(convert, lons, lats, message):
    with pytest.raises(GisError, match=message):
        convert(np.array(lons), np.array(lats), Crs.GCJ02)
