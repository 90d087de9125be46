"""Lookups in memory: within a radius, in a bbox, nearest k with filters, grids near a point outside the town."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from pyproj import Geod

from cases.locator import Locator
from gis.errors import GisError
from gis.geometry import haversine_m
from gis.index import GridIndex, PointIndex, SectorIndex
from gis.models import GridLevel
from tests.factories import make_box_town

GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Thing:
    id: int
    lon: float
    lat: float
    kind: str


def _things(n: int = 2000, seed: int = 5) -> list[Thing]:
    rng = np.random.default_rng(seed)
    lons, lats = rng.uniform(119.9, 120.1, n), rng.uniform(32.2, 32.4, n)
    return [Thing(i, float(x), float(y), "a" if i % 3 else "b") for i, (x, y) in enumerate(zip(lons, lats, strict=True))]


def _index(things: list[Thing]) -> PointIndex[Thing]:
    return PointIndex(things, lambda t: (t.lon, t.lat), key=lambda t: t.id)


def _brute(things: list[Thing], lon: float, lat: float) -> list[tuple[float, int]]:
    return sorted((haversine_m(lon, lat, t.lon, t.lat), t.id) for t in things)


@pytest.mark.parametrize("limit", [1, 5, 40, 5000])
def test_nearest_with_a_filter_equals_a_full_sort(limit):
    things = _things()
    index = _index(things)
    got = index.nearest(120.0, 32.3, where=lambda t: t.kind == "b", limit=limit)
    want = [(d, i) for d, i in _brute(things, 120.0, 32.3) if things[i].kind == "b"][:limit]
    assert [(r.item.id) for r in got] == [i for _, i in want]
    assert [r.distance_m for r in got] == pytest.approx([d for d, _ in want], abs=1e-6)


def test_nearest_breaks_ties_by_index_order_like_a_stable_sort():
    things = [Thing(i, 120.0 + (0.001 if i % 2 else -0.001), 32.3, "a") for i in range(10)]
    assert [r.item.id for r in _index(things).nearest(120.0, 32.3, limit=3)] == [0, 1, 2]
    # Ties at the k-th distance: a near one first, then 300 at one distance in shuffled slots.
    rng = np.random.default_rng(2)
    ring = [Thing(int(i), 120.0 + 0.002 * float(np.cos(a)), 32.3, "a") for i, a in
            zip(rng.permutation(300) + 1, rng.uniform(0, 1, 300), strict=True)]
    ring = sorted([Thing(0, 120.0, 32.3, "a")] + [Thing(t.id, 120.002, 32.3, "a") for t in ring], key=lambda t: t.id)
    for limit in (2, 7, 60):
        assert [r.item.id for r in _index(ring).nearest(120.0, 32.3, limit=limit)] == list(range(limit))
    assert _index(things).nearest(120.0, 32.3, limit=0) == []


@pytest.mark.parametrize("radius_m", [0.0, 150.0, 1200.0, 30_000.0])
def test_within_radius_is_every_item_no_further_than_the_radius_nearest_first(radius_m):
    things = _things()
    got = _index(things).within(120.01, 32.29, radius_m, where=lambda t: t.kind == "a")
    want = [(d, i) for d, i in _brute(things, 120.01, 32.29) if d <= radius_m and things[i].kind == "a"]
    assert [r.item.id for r in got] == [i for _, i in want]
    assert all(r.distance_m <= radius_m for r in got)
    assert len(_index(things).within(120.01, 32.29, radius_m, limit=3)) == min(3, len(
        [1 for d, _ in _brute(things, 120.01, 32.29) if d <= radius_m]))


def test_within_measures_metres_like_the_ellipsoid_within_half_a_percent():
    # A thing 1,000 m due east and one 1,000 m due north (geodesic on WGS-84): both in at 1,006 m, out at 994 m.
    east = GEOD.fwd(120.0, 32.3, 90.0, 1000.0)
    north = GEOD.fwd(120.0, 32.3, 0.0, 1000.0)
    index = _index([Thing(0, east[0], east[1], "a"), Thing(1, north[0], north[1], "a")])
    assert {r.item.id for r in index.within(120.0, 32.3, 1006.0)} == {0, 1}
    assert index.within(120.0, 32.3, 994.0) == []


@pytest.mark.parametrize("radius", [-1.0, float("nan"), float("inf")])
def test_within_refuses_a_bad_radius(radius):
    with pytest.raises(GisError, match="radius_m"):
        _index(_things(10)).within(120.0, 32.3, radius)


def test_in_bbox_keeps_edges_and_applies_the_filter():
    things = _things() + [Thing(9999, 120.0, 32.3, "b")]
    index = _index(things)
    bbox = (119.95, 32.25, 120.0, 32.3)
    got = index.in_bbox(bbox, where=lambda t: t.kind == "b")
    want = [t for t in things if 119.95 <= t.lon <= 120.0 and 32.25 <= t.lat <= 32.3 and t.kind == "b"]
    assert got == want and got[-1].id == 9999
    with pytest.raises(GisError, match="min must not exceed max"):
        index.in_bbox((120.1, 32.0, 120.0, 32.1))
    with pytest.raises(GisError, match="four numbers"):
        index.in_bbox((120.1, 32.0))  # type: ignore[arg-type]


def test_grid_in_bbox_by_level_and_all_levels():
    index = GridIndex(make_box_town())
    assert [g.code for g in index.in_bbox((120.01, 32.01, 120.02, 32.02))] == ["T", "T0", "T0a"]
    assert [g.code for g in index.in_bbox((120.09, 32.04, 120.11, 32.06), level=GridLevel.NATURAL_VILLAGE)] == [
        "T0a", "T0b", "T1a"]
    assert index.in_bbox((121.0, 33.0, 121.1, 33.1)) == []


def test_nearest_grids_to_a_point_outside_measure_metres_to_the_nearest_edge():
    index = GridIndex(make_box_town())
    west = GEOD.fwd(120.0, 32.07, 270.0, 2500.0)  # 2.5 km due west of T0b's west edge
    got = index.nearest(west[0], west[1], 2)
    assert [r.item.code for r in got] == ["T0b", "T0a"]
    assert got[0].distance_m == pytest.approx(2500.0, rel=0.001)
    south = GEOD.fwd(120.15, 32.0, 180.0, 800.0)
    got = index.nearest(south[0], south[1], 1, level=GridLevel.VILLAGE)
    assert [r.item.code for r in got] == ["T1"] and got[0].distance_m == pytest.approx(800.0, rel=0.001)
    inside = index.nearest(120.05, 32.07, 1)
    assert inside[0].item.code == "T0b" and inside[0].distance_m == 0.0
    with pytest.raises(GisError, match="k must be at least 1"):
        index.nearest(120.0, 32.0, 0)
    assert GridIndex([]).nearest(120.0, 32.0) == []


def test_sector_index_within_ranks_by_where_the_camera_stands():
    cams = [(120.0, 32.3, 0.0, 60.0, 100.0), (120.003, 32.3, 180.0, 60.0, 50.0), (120.02, 32.3, 90.0, 60.0, 100.0)]
    index = SectorIndex(cams, lambda c: c)
    got = index.within(120.001, 32.3, 400.0)
    assert [r.item for r in got] == [cams[0], cams[1]]
    assert got[0].distance_m == pytest.approx(haversine_m(120.001, 32.3, 120.0, 32.3))


def test_locator_exposes_teams_and_cameras_within_a_radius_and_grids_near_an_outsider():
    locator = Locator()
    locator._grids = GridIndex(make_box_town())
    assert [g.code for g in locator.grids_in_bbox((120.01, 32.01, 120.02, 32.02), level=2)] == ["T0"]
    assert locator.nearest_grids(119.99, 32.02, 1)[0].item.code == "T0a"
    assert locator.teams_within(120.0, 32.0, 100.0) == [] and locator.cameras_within(120.0, 32.0, 100.0) == []
