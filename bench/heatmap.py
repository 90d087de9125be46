"""Benchmark the PostGIS heatmap of cases (SpatialStatsRepository.heatmap) against a plain SQL count of the same rows.

A scratch database gets the store's migrations and --cases cases spread over the demo town's extent and 30 days
(inserted in one statement). Timed, best of --runs, through the store's read-only unit of work: the heatmap of the
last --days days over the town's bbox in --cell-m bins; counts per grid of the same period; and the baseline, one
`SELECT count(*)` of the same period and bbox (the least any answer over those rows costs). The bins are checked
against the binning's definition computed in Python (cases.spatial_stats.BinPlane).

Prints one JSON line. Usage: python bench/heatmap.py [--cases 100000] [--cell-m 250] [--days 7] [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

from bench.locate_postgis import scratch_database  # noqa: E402
from bench.timing import best_of_with_answer  # noqa: E402
from cases.spatial_stats import BinPlane, StatsOf  # noqa: E402
from storage import open_store  # noqa: E402
from town.generate import generate_town  # noqa: E402

END = datetime(2026, 11, 30, tzinfo=UTC)
INSERT = ("INSERT INTO cases (title, category, source, status, platform, lon, lat, grid_path, created_at, updated_at,"
          " description, reporter, reporter_phone)"
          " SELECT 'bench', c, 'grid_staff', 'reported', 'governance', x, y, ARRAY['T']::text[], t, t, '', '', ''"
          " FROM unnest(%s::float8[], %s::float8[], %s::timestamptz[], %s::text[]) AS u(x, y, t, c)")



def main() -> None:
    """Seed cases in PostGIS, time heatmap, counts per grid and a plain count, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--cell-m", type=float, default=250.0)
    parser.add_argument("--days", type=int, default=7, help="the period binned: the last N of 30 days")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="10,000 cases")
    args = parser.parse_args()
    if args.quick:
        args.cases = 10_000
    bbox = tuple(float(v) for v in shapely.total_bounds([g.geometry for g in generate_town(7).grids]))
    rng = np.random.default_rng(3)
    xs = rng.uniform(bbox[0], bbox[2], args.cases)
    ys = rng.uniform(bbox[1], bbox[3], args.cases)
    times = [END - timedelta(seconds=float(s)) for s in rng.uniform(0, 30 * 86400, args.cases)]
    categories = ["litter" if i % 3 else "noise" for i in range(args.cases)]
    since, until = END - timedelta(days=args.days), END

    with scratch_database() as url:
        store = open_store(url)
        try:
            store.migrate()
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(INSERT, (xs.tolist(), ys.tolist(), times, categories))
                conn.execute("ANALYZE cases")
            with store.read_only() as uow:
                heat_s, heat = best_of_with_answer(args.runs, lambda: uow.spatial_stats.heatmap(
                    of=StatsOf.CASES, since=since, until=until, cell_m=args.cell_m, bbox=bbox))
                grid_s, _ = best_of_with_answer(args.runs, lambda: uow.spatial_stats.counts_by_grid(
                    of=StatsOf.CASES, since=since, until=until))
                db = uow.cases._db  # the baseline runs on the same connection and transaction
                clause, params = db.dialect.point_in_bbox(bbox)
                count_sql = f"SELECT count(*) FROM cases WHERE created_at >= ? AND created_at < ? AND {clause}"
                count_s, counted = best_of_with_answer(args.runs, lambda: db.scalar(count_sql, [since, until, *params]))
        finally:
            store.close()

    plane = BinPlane.over(bbox, args.cell_m)
    chosen = [since <= t < until for t in times]
    expected = Counter(plane.cell_of(x, y) for x, y, keep in zip(xs.tolist(), ys.tolist(), chosen, strict=True) if keep)
    print(json.dumps({
        "bench": "heatmap",
        "backend": "postgis",
        "cases": args.cases,
        "period_days": args.days,
        "cases_in_period": int(counted),
        "cell_m": args.cell_m,
        "bins": len(heat.bins),
        "bins_match_definition": {(b.ix, b.iy): b.count for b in heat.bins} == expected,
        "heatmap_ms": round(heat_s * 1000, 2),
        "counts_by_grid_ms": round(grid_s * 1000, 2),
        "baseline_plain_count_ms": round(count_s * 1000, 2),
        "heatmap_over_plain_count": round(heat_s / count_s, 2),
        "heatmap_cases_per_s": round(int(counted) / heat_s),
    }))


if __name__ == "__main__":
    main()
