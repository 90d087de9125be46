"""In-memory spatial indexes: point to grids, nearest items, covering sectors."""

from __future__ import annotations


from gis.index import GridIndex, PointIndex, SectorIndex
from tests.factories import make_box_town



def test_point_is_located_in_all_its_grid_levels() -> None:
    assert GridIndex(make_box_town()).locate(120.05, 32.07).codes == ("T", "T0", "T0b")


def test_point_outside_every_grid_has_an_empty_path() -> None:
    path = GridIndex(make_box_town()).locate(121.0, 33.0)
    assert path.codes == () and path.finest is None


def test_point_on_a_shared_edge_gets_one_stable_answer() -> None:
    assert GridIndex(make_box_town()).locate(120.05, 32.05).codes == ("T", "T0", "T0a")


def test_nearest_respects_the_filter_and_orders_by_distance() -> None:
    items = [("a", 120.00, 32.0), ("b", 120.01, 32.0), ("c", 120.02, 32.0)]
    index = PointIndex(items, lambda i: (i[1], i[2]))
    ranked = index.nearest(120.0, 32.0, where=lambda i: i[0] != "a", limit=2)
    assert [r.item[0] for r in ranked] == ["b", "c"]
    assert 900 < ranked[0].distance_m < 1000


def test_only_cameras_facing_the_point_cover_it() -> None:
    # Two cameras 100 m south of the point: one looks north at it, one looks south away from it.
    cams = [("north", 120.0, 31.9991, 0.0, 90.0, 150.0), ("south", 120.0, 31.9991, 180.0, 90.0, 150.0)]
    index = SectorIndex(cams, lambda c: c[1:])
    assert [r.item[0] for r in index.covering(120.0, 32.0)] == ["north"]
