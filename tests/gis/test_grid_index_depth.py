"""GridIndex over hierarchies of any depth: the leaves are the grids without children, whatever their level."""

from __future__ import annotations

import numpy as np
from shapely.geometry import box

from gis.index import GridIndex
from gis.models import Grid

X0, Y0 = 120.0, 32.0


def _grid(code: str, parent: Grid | None, x0: float, x1: float, y0: float = 0.0, y1: float = 1.0) -> Grid:
    level = 1 if parent is None else parent.level + 1
    return Grid(code, f"Grid {code}", level, None if parent is None else parent.code,
                box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1))


def _halves(parent: Grid, codes: tuple[str, str]) -> list[Grid]:
    x0, _, x1, _ = parent.geometry.bounds
    mid = (x0 + x1) / 2 - X0
    return [_grid(codes[0], parent, x0 - X0, mid), _grid(codes[1], parent, mid, x1 - X0)]


def _four_levels() -> list[Grid]:
    town = _grid("1", None, 0, 8)
    grids = [town]
    for village in _halves(town, ("11", "12")):
        grids.append(village)
        for hamlet in _halves(village, (village.code + "1", village.code + "2")):
            grids += [hamlet, *_halves(hamlet, (hamlet.code + "1", hamlet.code + "2"))]
    return grids


def test_four_levels_locate_every_point_to_level_four_with_its_whole_path() -> None:
    index = GridIndex(_four_levels())
    assert index.locate(X0 + 0.5, Y0 + 0.5).codes == ("1", "11", "111", "1111")
    assert index.locate(X0 + 7.5, Y0 + 0.5).codes == ("1", "12", "122", "1222")
    lons = X0 + np.arange(8) + 0.5
    assert list(index.locate_many(lons, np.full(8, Y0 + 0.5))) == [
        "1111", "1112", "1121", "1122", "1211", "1212", "1221", "1222"]


def test_uneven_depth_locates_each_point_to_its_own_finest_grid() -> None:
    town = _grid("1", None, 0, 4)
    whole, split = _grid("11", town, 0, 2), _grid("12", town, 2, 4)
    hamlet, deeper = _grid("121", split, 2, 3), _grid("122", split, 3, 4)
    corners = [_grid("1211", hamlet, 2, 3, 0, 0.5), _grid("1212", hamlet, 2, 3, 0.5, 1)]
    index = GridIndex([town, whole, split, hamlet, deeper, *corners])
    lons = np.array([X0 + 1, X0 + 2.5, X0 + 2.5, X0 + 3.5, X0 + 9])
    lats = np.array([Y0 + 0.5, Y0 + 0.25, Y0 + 0.75, Y0 + 0.5, Y0 + 0.5])
    assert list(index.locate_many(lons, lats)) == ["11", "1211", "1212", "122", ""]
    assert [p.codes for p in index.locate_paths_many(lons, lats)] == [
        ("1", "11"), ("1", "12", "121", "1211"), ("1", "12", "121", "1212"), ("1", "12", "122"), ()]
    # One answer per point, bulk or one by one.
    assert [index.locate(float(x), float(y)).codes for x, y in zip(lons, lats, strict=True)] == [
        p.codes for p in index.locate_paths_many(lons, lats)]


def test_a_point_on_an_edge_between_leaves_of_different_depths_goes_to_the_lowest_code() -> None:
    town = _grid("1", None, 0, 4)
    whole, split = _grid("11", town, 0, 2), _grid("12", town, 2, 4)
    index = GridIndex([town, whole, split, _grid("121", split, 2, 3), _grid("122", split, 3, 4)])
    # x = 2 is the edge of 11 (level 2) and 121 (level 3); "11" < "121".
    assert index.locate(X0 + 2, Y0 + 0.5).codes == ("1", "11")
    assert index.locate(X0 + 3, Y0 + 0.5).codes == ("1", "12", "121")
    assert list(index.locate_many(np.array([X0 + 2, X0 + 3]), np.array([Y0 + 0.5] * 2))) == ["11", "121"]


def test_a_gap_between_children_locates_to_the_parent_not_outside() -> None:
    town = _grid("1", None, 0, 4)
    village = _grid("11", town, 0, 4)
    # The children cover x 0..1 and 3..4 of the village; 1..3 is a surveyor's gap.
    index = GridIndex([town, village, _grid("111", village, 0, 1), _grid("112", village, 3, 4)])
    lons = np.array([X0 + 0.5, X0 + 2, X0 + 1, X0 + 3.5])
    assert list(index.locate_many(lons, np.full(4, Y0 + 0.5))) == ["111", "11", "111", "112"]
    assert index.locate(X0 + 2, Y0 + 0.5).codes == ("1", "11")
