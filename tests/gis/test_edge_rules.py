"""Edge rules of point to grid, one point and in bulk: lowest code on shared edges and vertices, "" outside.

The reference is brute force: test the point against every leaf polygon (boundary included) and take the lowest
code; GridIndex (its raster of clean cells and its polygon tests in mixed cells) must give exactly that answer.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

from gis.index import GridIndex
from gis.models import Grid, GridLevel, GridPath
from tests.factories import make_box_town
from town.generate import generate_town

TOWN = generate_town(7).grids
INDEX = GridIndex(TOWN)
LEAVES = sorted((g for g in TOWN if g.level == GridLevel.NATURAL_VILLAGE), key=lambda g: g.code)
VERTICES = np.unique(np.concatenate([shapely.get_coordinates(g.geometry) for g in LEAVES]), axis=0)
BOUNDS = shapely.total_bounds([g.geometry for g in LEAVES])


def brute_force(leaves: list[Grid], x: float, y: float) -> str:
    """Return the lowest code of the leaves whose closed polygon holds (x, y), "" for none."""
    return min((g.code for g in leaves if shapely.intersects_xy(g.geometry, x, y)), default="")


def _edge_points(draw: st.DrawFn) -> tuple[float, float]:
    """Draw a point on a leaf's boundary: a vertex, or a point along an edge (often not exactly representable)."""
    ring = shapely.get_coordinates(LEAVES[draw(st.integers(0, len(LEAVES) - 1))].geometry.exterior)
    i = draw(st.integers(0, len(ring) - 2))
    t = draw(st.sampled_from([0.0, 0.5, 0.25]) | st.floats(0.0, 1.0))
    (x0, y0), (x1, y1) = ring[i], ring[i + 1]
    return float(x0 + t * (x1 - x0)), float(y0 + t * (y1 - y0))


@st.composite
def town_points(draw: st.DrawFn) -> tuple[float, float]:
    """Draw a point: anywhere around the town, on a vertex, or on an edge."""
    kind = draw(st.sampled_from(["any", "vertex", "edge"]))
    if kind == "vertex":
        x, y = VERTICES[draw(st.integers(0, len(VERTICES) - 1))]
        return float(x), float(y)
    if kind == "edge":
        return _edge_points(draw)
    minx, miny, maxx, maxy = BOUNDS
    return (draw(st.floats(minx - 0.01, maxx + 0.01)), draw(st.floats(miny - 0.01, maxy + 0.01)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(town_points(), min_size=1, max_size=40))
def test_bulk_equals_one_by_one_equals_brute_force_on_random_edge_and_vertex_points(points):
    xs, ys = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    expected = [brute_force(LEAVES, x, y) for x, y in points]
    assert list(INDEX.locate_many(xs, ys)) == expected
    assert [INDEX.locate(x, y).finest or "" for x, y in points] == expected
    # The path above the leaf is the leaf's ancestors; with hierarchical codes that is also the lowest code of the
    # grids of each level holding the point.
    for (x, y), path in zip(points, INDEX.locate_paths_many(xs, ys), strict=True):
        for depth, code in enumerate(path.codes, start=1):
            assert code == brute_force([g for g in TOWN if g.level == depth], x, y)


def test_every_vertex_of_the_town_in_bulk_and_one_by_one_matches_brute_force():
    expected = [brute_force(LEAVES, x, y) for x, y in VERTICES]
    assert list(INDEX.locate_many(VERTICES[:, 0], VERTICES[:, 1])) == expected
    assert [INDEX.locate(x, y).finest or "" for x, y in VERTICES] == expected
    assert sum(1 for x, y in VERTICES if sum(shapely.intersects_xy(g.geometry, x, y) for g in LEAVES) >= 3) > 50


def test_a_dense_sample_agrees_with_brute_force_in_every_raster_cell_kind():
    rng = np.random.default_rng(11)
    minx, miny, maxx, maxy = BOUNDS
    xs, ys = rng.uniform(minx - 0.005, maxx + 0.005, 3000), rng.uniform(miny - 0.005, maxy + 0.005, 3000)
    assert list(INDEX.locate_many(xs, ys)) == [brute_force(LEAVES, x, y) for x, y in zip(xs, ys, strict=True)]


def test_overlapping_leaves_holes_and_multipolygons_follow_the_same_rule():
    ring = box(0.0, 0.0, 1.0, 1.0)
    leaves = [
        Grid("T", "t", 1, None, box(-1.0, -1.0, 3.0, 3.0)),
        Grid("Tb", "overlapping", 2, "T", box(0.5, 0.5, 1.5, 1.5)),
        Grid("Ta", "with a hole", 2, "T", Polygon(ring.exterior.coords, [box(0.2, 0.2, 0.4, 0.4).exterior.coords])),
        Grid("Tc", "two parts", 2, "T", shapely.MultiPolygon([box(2.0, 2.0, 2.5, 2.5), box(2.6, 2.0, 2.9, 2.5)])),
    ]
    index = GridIndex(leaves)
    xs = np.array([0.3, 0.2, 0.75, 1.2, 2.55, 2.7, 2.0, 1.0, 0.5, -0.5])
    ys = np.array([0.3, 0.3, 0.75, 1.2, 2.2, 2.2, 2.0, 1.0, 0.5, 0.0])
    leaf_grids = [g for g in leaves if g.level == 2]
    expected = [brute_force(leaf_grids, x, y) for x, y in zip(xs, ys, strict=True)]
    assert expected == ["", "Ta", "Ta", "Tb", "", "Tc", "Tc", "Ta", "Ta", ""]
    # A point in the town that no leaf covers (a hole, between parts, a gap) is located to the town itself.
    expected = [code or "T" for code in expected]
    assert list(index.locate_many(xs, ys)) == expected
    assert [index.locate(x, y).finest or "" for x, y in zip(xs, ys, strict=True)] == expected


def test_points_outside_every_grid_get_an_empty_path_never_an_error():
    index = GridIndex(make_box_town())
    assert index.locate(121.0, 33.0) == GridPath() and index.locate(float("nan"), 32.0) == GridPath()
    assert list(index.locate_many([121.0, np.inf, -np.inf], [33.0, 32.0, 32.0])) == ["", "", ""]


@pytest.mark.parametrize(("x", "y", "code"), [(120.1, 32.05, "T0a"), (120.1, 32.1, "T0b"), (120.0, 32.0, "T0a"),
                                              (120.2, 32.1, "T1a"), (120.05, 32.05, "T0a")])
def test_box_town_corners_and_shared_edges_go_to_the_lowest_code(x, y, code):
    index = GridIndex(make_box_town())
    assert index.locate(x, y).finest == code == index.locate_many([x], [y])[0]


def test_prepare_builds_the_raster_up_front_and_answers_stay_the_same():
    index = GridIndex(make_box_town())
    assert index.prepare() is index and "_leaf_raster" in index.__dict__
    assert index.locate(120.05, 32.02).codes == ("T", "T0", "T0a")
