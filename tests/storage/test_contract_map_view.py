"""The map's clusters, points and search: the same answers on both backends, equal to the cells' own definition."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from cases.map_view import UNROUTED, MapFilter, cell_deg_for_zoom, cell_of
from cases.models import CaseStatus, Platform
from cases.spatial_stats import Reach
from gis.models import Grid
from shapely.geometry import box
from storage import Store
from tests.factories import make_case

BBOX = (120.0, 32.0, 120.1, 32.08)
STATUSES = [CaseStatus.REPORTED, CaseStatus.DISPATCHED, CaseStatus.CLOSED]
PLATFORMS = [Platform.GOVERNANCE, Platform.MARKET, None]
PATHS = [("T", "T0"), ("T", "T1")]


def _seed(store: Store, n: int = 500) -> list[tuple[float, float, CaseStatus, Platform | None, tuple[str, ...]]]:
    rng = np.random.default_rng(5)
    rows = [(float(x), float(y), STATUSES[i % 3], PLATFORMS[i % 3 if i % 7 else 0], PATHS[i % 2])
            for i, (x, y) in enumerate(zip(rng.uniform(119.99, 120.11, n), rng.uniform(31.99, 32.09, n), strict=True))]
    # Points exactly on cell edges, where backends would differ if they rounded differently.
    cell = cell_deg_for_zoom(14)
    rows += [(k * cell, int(32.01 / cell) * cell, CaseStatus.REPORTED, Platform.GOVERNANCE, ("T", "T0"))
             for k in range(int(120.01 / cell), int(120.01 / cell) + 3)]
    with store.unit_of_work() as uow:
        for x, y, status, platform, path in rows:
            uow.cases.add(make_case(lon=x, lat=y, status=status, platform=platform, grid_path=path,
                                    title=f"case at {x:.3f}"))
    return rows


def _chosen(rows, bbox=BBOX, *, open_only=True, platform=None, any_grid=None):
    return [r for r in rows if bbox[0] <= r[0] <= bbox[2] and bbox[1] <= r[1] <= bbox[3]
            and (not open_only or r[2] is not CaseStatus.CLOSED) and (platform is None or r[3] == platform)
            and (any_grid is None or set(any_grid) & set(r[4]))]


@pytest.mark.parametrize("zoom", [11.0, 13.5, 15.0])
def test_clusters_equal_the_cells_definition_and_sum_to_the_count(store: Store, zoom: float) -> None:
    rows = _seed(store)
    cell = cell_deg_for_zoom(zoom)
    with store.read_only() as uow:
        total = uow.map_view.count_cases(MapFilter(bbox=BBOX))
        clusters = uow.map_view.case_clusters(MapFilter(bbox=BBOX), cell_deg=cell)
    chosen = _chosen(rows)
    assert total == len(chosen)
    assert sum(c.count for c in clusters) == total
    assert {(c.ix, c.iy): c.count for c in clusters} == Counter(cell_of(x, y, cell) for x, y, *_ in chosen)
    for c in clusters:
        members = [r for r in chosen if cell_of(r[0], r[1], cell) == (c.ix, c.iy)]
        assert c.lon == pytest.approx(sum(r[0] for r in members) / len(members), abs=1e-9)
        assert c.lat == pytest.approx(sum(r[1] for r in members) / len(members), abs=1e-9)
        assert c.bbox == pytest.approx((min(r[0] for r in members), min(r[1] for r in members),
                                        max(r[0] for r in members), max(r[1] for r in members)))
        assert c.by_status == dict(sorted(Counter(str(r[2]) for r in members).items()))
        assert c.by_platform == dict(sorted(Counter(str(r[3]) if r[3] else UNROUTED for r in members).items()))


def test_points_filters_and_reach_bound_what_the_map_counts(store: Store) -> None:
    rows = _seed(store)
    with store.read_only() as uow:
        mv = uow.map_view
        assert mv.count_cases(MapFilter(bbox=BBOX, open_only=False)) == len(_chosen(rows, open_only=False))
        assert mv.count_cases(MapFilter(bbox=BBOX, platform=Platform.MARKET)) == len(
            _chosen(rows, platform=Platform.MARKET))
        assert mv.count_cases(MapFilter(bbox=BBOX, status=CaseStatus.CLOSED)) == 0, "closed cases are not open"
        reach = Reach(platform="governance", any_grid=("T1",))
        reached = mv.case_points(MapFilter(bbox=BBOX, reach=reach), limit=10_000)
        assert len(reached) == len(_chosen(rows, platform=Platform.GOVERNANCE, any_grid=("T1",))) > 0
        assert all(p.platform == "governance" for p in reached)
        assert mv.count_cases(MapFilter(bbox=BBOX, reach=Reach(any_grid=()))) == 0, "no grids: nothing"
        points = mv.case_points(MapFilter(bbox=BBOX), limit=7)
        assert len(points) == 7 and [p.id for p in points] == sorted(p.id for p in points)


def test_search_matches_text_literally_and_grids_by_name_or_code(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.cases.add(make_case(title="Pothole on Riverside Road", description="near 100% of the bridge"))
        uow.cases.add(make_case(title="Noise", description="karaoke at riverside_bar"))
        uow.cases.add(make_case(title="Other", description="nothing", platform=Platform.MARKET))
        uow.grids.upsert_many([Grid(code="T01", name="青山镇", level=1, parent_code=None, geometry=box(120, 32, 120.1, 32.1)),
                               Grid(code="V0RIVER", name="河畔村", level=2, parent_code="T01",
                                    geometry=box(120, 32, 120.05, 32.05))])
    with store.read_only() as uow:
        mv = uow.map_view
        assert [h.title for h in mv.search_cases("RIVERSIDE", reach=None, limit=10)] == ["Noise", "Pothole on Riverside Road"]
        assert [h.title for h in mv.search_cases("100%", reach=None, limit=10)] == ["Pothole on Riverside Road"]
        assert mv.search_cases("r_verside", reach=None, limit=10) == [], "an underscore is a character, not a wildcard"
        assert mv.search_cases("o", reach=Reach(platform="market"), limit=10)[0].title == "Other"
        assert mv.search_grids("river", limit=10) == ["V0RIVER"]
        assert mv.search_grids("青山", limit=10) == ["T01"]
        assert mv.search_grids("t0", limit=10) == ["T01"]
