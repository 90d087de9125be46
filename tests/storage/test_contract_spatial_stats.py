"""Heatmap bins and counts per grid: the same answers on both backends, equal to the binning's own definition."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import numpy as np
import pytest

from cases.spatial_stats import BinPlane, GridCount, StatsOf
from storage import Store
from tests.factories import T0, make_alert, make_case

BBOX = (120.0, 32.0, 120.1, 32.08)
PATHS = [("T", "T0", "T0a"), ("T", "T0", "T0b"), ("T", "T1", "T1a"), ()]


def _points(n: int, seed: int = 3) -> list[tuple[float, float, int, str, tuple[str, ...]]]:
    rng = np.random.default_rng(seed)
    lons, lats = rng.uniform(119.98, 120.12, n), rng.uniform(31.99, 32.09, n)
    minutes = rng.integers(0, 600, n)
    return [(float(x), float(y), int(m), "litter" if i % 3 else "noise", PATHS[i % 4])
            for i, (x, y, m) in enumerate(zip(lons, lats, minutes, strict=True))]


def _seed_cases(store: Store, points: list[tuple[float, float, int, str, tuple[str, ...]]]) -> None:
    with store.unit_of_work() as uow:
        for x, y, m, category, path in points:
            uow.cases.add(make_case(lon=x, lat=y, created_at=T0 + timedelta(minutes=m), category=category,
                                    grid_path=path))


def _reference(points, plane: BinPlane, *, since, until, bbox=None, category=None) -> Counter:
    chosen = [(x, y) for x, y, m, c, _ in points
              if since <= T0 + timedelta(minutes=m) < until and (category is None or c == category)
              and (bbox is None or (bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]))]
    return Counter(plane.cell_of(x, y) for x, y in chosen)


@pytest.mark.parametrize("cell_m", [250.0, 333.3, 1000.0])
def test_heatmap_bins_equal_the_planes_definition_on_every_backend(store: Store, cell_m: float) -> None:
    points = _points(600)
    # Points exactly on bin edges and on the bbox's edges: where backends would differ if they rounded differently.
    plane = BinPlane.over(BBOX, cell_m)
    for k in range(1, 6):
        points.append((plane.lon0 + k * cell_m / plane.east_m, plane.lat0 + k * cell_m / plane.north_m, 5, "litter", ()))
    points += [(BBOX[0], BBOX[1], 5, "litter", ()), (BBOX[2], BBOX[3], 5, "litter", ())]
    _seed_cases(store, points)
    since, until = T0 + timedelta(minutes=60), T0 + timedelta(minutes=480)
    with store.read_only() as uow:
        heat = uow.spatial_stats.heatmap(of=StatsOf.CASES, since=since, until=until, cell_m=cell_m, bbox=BBOX)
        litter = uow.spatial_stats.heatmap(of=StatsOf.CASES, since=since, until=until, cell_m=cell_m, bbox=BBOX,
                                           category="litter")
    assert heat.plane == plane
    assert {(b.ix, b.iy): b.count for b in heat.bins} == _reference(points, plane, since=since, until=until, bbox=BBOX)
    assert {(b.ix, b.iy): b.count for b in litter.bins} == _reference(points, plane, since=since, until=until,
                                                                      bbox=BBOX, category="litter")
    assert [(b.iy, b.ix) for b in heat.bins] == sorted((b.iy, b.ix) for b in heat.bins)
    for b in heat.bins[:20]:
        assert plane.cell_of(b.lon, b.lat) == (b.ix, b.iy)  # the centre lies in its own bin


def test_heatmap_period_is_half_open_and_without_bbox_spans_the_records(store: Store) -> None:
    points = [(120.01, 32.01, 0, "litter", ()), (120.05, 32.05, 10, "litter", ()), (120.09, 32.02, 20, "litter", ())]
    _seed_cases(store, points)
    with store.read_only() as uow:
        heat = uow.spatial_stats.heatmap(of=StatsOf.CASES, since=T0, until=T0 + timedelta(minutes=20), cell_m=500.0)
        empty = uow.spatial_stats.heatmap(of=StatsOf.CASES, since=T0 + timedelta(days=1),
                                          until=T0 + timedelta(days=2), cell_m=500.0)
    assert heat.total == 2 and (heat.plane.lon0, heat.plane.lat0) == (120.01, 32.01)
    assert empty.bins == () and empty.plane is None


def test_heatmap_of_alerts_reads_raised_at_and_sensor_kind(store: Store) -> None:
    with store.unit_of_work() as uow:
        for i, (x, kind) in enumerate([(120.0101, "noise"), (120.0102, "noise"), (120.0103, "air_quality")]):
            uow.alerts.add(make_alert(f"d-{i}", lon=x, lat=32.01, sensor_kind=kind, raised_at=T0, last_seen_at=T0,
                                      grid_path=()))
    with store.read_only() as uow:
        heat = uow.spatial_stats.heatmap(of=StatsOf.ALERTS, since=T0, until=T0 + timedelta(hours=1), cell_m=500.0,
                                         bbox=BBOX, category="noise")
    assert [(b.ix, b.iy, b.count) for b in heat.bins] == [(1, 2, 2)]


def test_counts_by_grid_add_up_the_hierarchy_and_count_what_lies_outside(store: Store) -> None:
    points = _points(200)
    _seed_cases(store, points)
    with store.read_only() as uow:
        every = uow.spatial_stats.counts_by_grid(of=StatsOf.CASES)
        villages = uow.spatial_stats.counts_by_grid(of=StatsOf.CASES, level=2, since=T0,
                                                    until=T0 + timedelta(minutes=300))
    by_path = Counter(p for *_, p in points)
    assert every.total == 200 and every.outside == by_path[()]
    assert {g.code: g.count for g in every.grids} == {
        "T": 200 - by_path[()], "T0": by_path[PATHS[0]] + by_path[PATHS[1]], "T1": by_path[PATHS[2]],
        "T0a": by_path[PATHS[0]], "T0b": by_path[PATHS[1]], "T1a": by_path[PATHS[2]]}
    early = Counter(p for *_, m, _, p in points if m < 300)
    assert villages.grids == (GridCount("T0", 2, early[PATHS[0]] + early[PATHS[1]]), GridCount("T1", 2, early[PATHS[2]]))
    with store.read_only() as uow:
        assert uow.spatial_stats.counts_by_grid(of=StatsOf.ALERTS).total == 0


def test_case_bbox_queries_use_the_gist_index_on_postgis(store: Store) -> None:
    if store.name != "postgis":
        pytest.skip("the plan is PostGIS's; SQLite's (lon, lat) index is its own")
    _seed_cases(store, _points(300))
    with store.read_only() as uow:
        db = uow.cases._db  # the plan of the repository's own condition, as the shared SQL writes it
        clause, params = db.dialect.point_in_bbox(BBOX)
        db.execute("SET LOCAL enable_seqscan = off")
        plan = "\n".join(r["QUERY PLAN"] for r in db.execute(f"EXPLAIN SELECT id FROM cases WHERE {clause}", params))
    assert "cases_geom_gist" in plan, plan


def test_a_reach_bounds_what_is_counted(store: Store) -> None:
    from cases.models import Platform
    from cases.spatial_stats import Reach
    from storage import StorageError

    with store.unit_of_work() as uow:
        uow.cases.add(make_case("a", lon=120.01, lat=32.01, grid_path=("T", "T0"), platform=Platform.MARKET))
        uow.cases.add(make_case("b", lon=120.01, lat=32.01, grid_path=("T", "T1"), platform=Platform.GOVERNANCE))
        uow.cases.add(make_case("c", lon=120.05, lat=32.05, grid_path=(), platform=Platform.MARKET))
    period = {"since": T0, "until": T0 + timedelta(hours=1)}
    with store.read_only() as uow:
        stats = uow.spatial_stats
        assert stats.heatmap(of=StatsOf.CASES, cell_m=500.0, bbox=BBOX, reach=Reach(any_grid=("T1",)), **period).total == 1
        assert stats.heatmap(of=StatsOf.CASES, cell_m=500.0, bbox=BBOX, reach=Reach(any_grid=()), **period).total == 0
        market = stats.counts_by_grid(of=StatsOf.CASES, reach=Reach(platform="market"), **period)
        assert (market.total, market.outside, {g.code: g.count for g in market.grids}) == (2, 1, {"T": 1, "T0": 1})
        with pytest.raises(StorageError, match="platform"):
            stats.counts_by_grid(of=StatsOf.ALERTS, reach=Reach(platform="market"))
