"""GridIndex.locate_many: the bulk lookup gives locate's answer for every point, edges and outsiders included."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from gis.errors import GisError
from gis.index import GridIndex
from gis.models import GridLevel, GridPath
from tests.factories import make_box_town
from town.generate import generate_town



@pytest.fixture(scope="module")
def town_index() -> GridIndex:
    """Return the index over town 7's grids, built once for the module."""
    return GridIndex(generate_town(7).grids)


def _loop(index: GridIndex, lons: np.ndarray, lats: np.ndarray) -> list[str]:
    return [index.locate(float(x), float(y)).finest or "" for x, y in zip(lons, lats, strict=True)]


def test_bulk_agrees_with_locate_on_random_points_over_the_town(town_index: GridIndex) -> None:
    rng = np.random.default_rng(3)
    minx, miny, maxx, maxy = shapely.total_bounds([g.geometry for g in generate_town(7).grids])
    # A margin around the town so some points fall outside every grid.
    lons = rng.uniform(minx - 0.01, maxx + 0.01, 5000)
    lats = rng.uniform(miny - 0.01, maxy + 0.01, 5000)
    codes = town_index.locate_many(lons, lats)
    assert codes.dtype == object and codes.shape == (5000,)
    assert list(codes) == _loop(town_index, lons, lats)
    assert (codes == "").sum() > 500 and (codes != "").sum() > 2000
    paths = town_index.locate_paths_many(lons, lats)
    assert [p.codes for p in paths] == [town_index.locate(float(x), float(y)).codes for x, y in zip(lons, lats, strict=True)]


def test_points_on_shared_edges_and_vertices_get_locates_lowest_code(town_index: GridIndex) -> None:
    leaves = [g for g in generate_town(7).grids if g.level == GridLevel.NATURAL_VILLAGE]
    xy = np.unique(np.concatenate([shapely.get_coordinates(g.geometry) for g in leaves]), axis=0)
    lons, lats = xy[:, 0], xy[:, 1]
    # The check only bites if many of these points touch more than one leaf.
    touching = np.bincount(shapely.STRtree([g.geometry for g in leaves]).query(
        shapely.points(lons, lats), predicate="intersects")[0], minlength=len(lons))
    assert (touching >= 2).sum() > 100
    assert list(town_index.locate_many(lons, lats)) == _loop(town_index, lons, lats)
    assert list(town_index.locate_many(lons[::-1], lats[::-1])) == _loop(town_index, lons[::-1], lats[::-1])


def test_shared_edge_and_corner_go_to_the_lowest_code() -> None:
    index = GridIndex(make_box_town())
    lons = np.array([120.05, 120.1, 120.1, 120.1])
    lats = np.array([32.05, 32.05, 32.02, 32.1])
    assert list(index.locate_many(lons, lats)) == ["T0a", "T0a", "T0a", "T0b"]
    assert [p.codes for p in index.locate_paths_many(lons, lats)] == [("T", "T0", "T0a")] * 3 + [("T", "T0", "T0b")]


def test_points_outside_are_flagged_not_dropped() -> None:
    index = GridIndex(make_box_town())
    codes = index.locate_many([121.0, 120.05, np.nan, 120.15], [33.0, 32.07, 32.07, 32.05])
    assert list(codes) == ["", "T0b", "", "T1a"]
    assert index.locate_paths_many([121.0], [33.0])[0] == GridPath()


def test_empty_input_and_empty_index_give_empty_or_outside_answers() -> None:
    assert GridIndex(make_box_town()).locate_many(np.array([]), np.array([])).shape == (0,)
    assert GridIndex(make_box_town()).locate_paths_many([], []).shape == (0,)
    assert list(GridIndex([]).locate_many([120.05], [32.07])) == [""]


@pytest.mark.parametrize(("lons", "lats", "says"), [
    ([120.0, 120.1], [32.0], "one length"),
    ([[120.0]], [[32.0]], "1-D"),
    (["east"], [32.0], "numbers"),
])
def test_bad_input_is_a_clear_gis_error(lons: object, lats: object, says: str) -> None:
    with pytest.raises(GisError, match=says):
        GridIndex(make_box_town()).locate_many(lons, lats)  # type: ignore[arg-type]
