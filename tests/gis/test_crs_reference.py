"""Conversions against values NOT computed by our library (prcoords): other implementations' published vectors."""

from __future__ import annotations

import pytest

from gis.crs import Crs, from_wgs84, to_wgs84
from gis.geometry import haversine_m

# googollee/eviltransform, python/test.py and go/transform_test.go (commit 3416646a / 1643645a), TESTS:
# (wgsLat, wgsLng, gcjLat, gcjLng) for Shanghai, Shenzhen, Beijing; they assert wgs2gcj to 6 decimals.
EVILTRANSFORM_WGS_GCJ = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
]
# wandergis/coordtransform, test/app.js (commit 24232463): every function applied to (116.404, 39.915), lon first.
# Their gcj02towgs84 and bd09togcj02 are one-step approximations (not exact inverses), so those two are met
# within their own error (a few centimetres here), the forward ones exactly.
CT_INPUT = (116.404, 39.915)
CT_WGS84_TO_GCJ02 = (116.41024449916938, 39.91640428150164)
CT_GCJ02_TO_BD09 = (116.41036949371029, 39.92133699351021)
CT_GCJ02_TO_WGS84 = (116.39775550083061, 39.91359571849836)
CT_BD09_TO_GCJ02 = (116.39762729119315, 39.90865673957631)


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), EVILTRANSFORM_WGS_GCJ)
def test_wgs84_to_gcj02_matches_eviltransform(wgs_lat, wgs_lon, gcj_lat, gcj_lon):
    lon, lat = from_wgs84(wgs_lon, wgs_lat, Crs.GCJ02)
    assert lon == pytest.approx(gcj_lon, abs=1e-7) and lat == pytest.approx(gcj_lat, abs=1e-7)


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), EVILTRANSFORM_WGS_GCJ)
def test_gcj02_inverse_lands_within_half_a_metre_of_eviltransforms_wgs84(wgs_lat, wgs_lon, gcj_lat, gcj_lon):
    assert haversine_m(*to_wgs84(gcj_lon, gcj_lat, Crs.GCJ02), wgs_lon, wgs_lat) < 0.5


def test_forward_conversions_match_coordtransform():
    assert from_wgs84(*CT_INPUT, Crs.GCJ02) == pytest.approx(CT_WGS84_TO_GCJ02, abs=1e-9)
    # GCJ-02 -> BD-09 through WGS-84: our inverse, then our forward BD-09.
    assert from_wgs84(*to_wgs84(*CT_INPUT, Crs.GCJ02), Crs.BD09) == pytest.approx(CT_GCJ02_TO_BD09, abs=1e-8)


def test_inverse_conversions_agree_with_coordtransforms_approximations_within_their_error():
    assert haversine_m(*to_wgs84(*CT_INPUT, Crs.GCJ02), *CT_GCJ02_TO_WGS84) < 0.5
    gcj = from_wgs84(*to_wgs84(*CT_INPUT, Crs.BD09), Crs.GCJ02)
    assert haversine_m(*gcj, *CT_BD09_TO_GCJ02) < 0.5


def test_the_bd09_offset_is_the_published_one():
    # BD-09 adds about 1 km to GCJ-02 near Beijing (coordtransform's pair above): a sign or constant error would not.
    shift = haversine_m(*CT_INPUT, *CT_GCJ02_TO_BD09)
    ours = haversine_m(*from_wgs84(*to_wgs84(*CT_INPUT, Crs.GCJ02), Crs.BD09), *CT_INPUT)
    assert ours == pytest.approx(shift, abs=0.01) and 500 < shift < 1500
