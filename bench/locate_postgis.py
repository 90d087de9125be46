"""Benchmark point-to-grid in PostGIS over psycopg (prepared, one point per query) against the in-memory GridIndex.

A scratch database gets the store's migrations and the demo town's grids (written through the store). Then, over
the same random points of the town's bounding box: one prepared query per point on one connection
(`ST_Intersects` on the grids' GIST index, finest level, lowest code first, the index's edge rule), its p50/p99 in
microseconds (goal: p99 < 2 ms); the same points through `GridIndex.locate`, the baseline; and one set-based query
locating all the points at once (the points loaded into a table with a GIST index, then one join; the join
alone and with the load), in points per second, against `GridIndex.locate_many`.

Prints one JSON line. Usage: python bench/locate_postgis.py [--points 20000] [--bulk-points 200000] [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import AbstractContextManager
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

from bench.spine import scratch_store_url  # noqa: E402
from gis.index import GridIndex  # noqa: E402
from storage import open_store  # noqa: E402
from town.generate import generate_town  # noqa: E402

ONE = ("SELECT code FROM grids WHERE level = %s AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))"
       " ORDER BY code LIMIT 1")
# Set-based: the points in a table with a GIST index (as stored cases are), grids outer so each polygon is
# prepared once and tested against the points its box holds; PostGIS's best case.
LOAD = ("CREATE TEMP TABLE pts AS SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326) AS geom"
        " FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS u(x, y, i)")
BULK = ("SELECT p.i, min(g.code) FROM grids g JOIN pts p ON ST_Intersects(g.geom, p.geom) WHERE g.level = %s"
        " GROUP BY p.i")


def scratch_database() -> AbstractContextManager[str]:
    """Create a PostGIS database of this run; yield its URL; drop it (the spine benchmark's scratch store)."""
    return scratch_store_url("postgis")


def main() -> None:
    """Load the town into PostGIS, time one-point and set-based lookups against the index, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=20_000, help="points located one query each")
    parser.add_argument("--bulk-points", type=int, default=200_000, help="points located in one query")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="2,000 points one by one, 20,000 in bulk")
    args = parser.parse_args()
    if args.quick:
        args.points, args.bulk_points = 2_000, 20_000
    grids = generate_town(args.seed).grids
    finest = max(g.level for g in grids)
    index = GridIndex(grids)
    rng = np.random.default_rng(1)
    minx, miny, maxx, maxy = shapely.total_bounds([g.geometry for g in grids])
    xs, ys = rng.uniform(minx, maxx, args.points).tolist(), rng.uniform(miny, maxy, args.points).tolist()
    bulk_x, bulk_y = rng.uniform(minx, maxx, args.bulk_points), rng.uniform(miny, maxy, args.bulk_points)

    with scratch_database() as url:
        store = open_store(url)
        try:
            store.migrate()
            with store.unit_of_work() as uow:
                uow.grids.replace_all(grids)
        finally:
            store.close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE grids")
            cur = conn.cursor()
            for x, y in zip(xs[:200], ys[:200], strict=True):  # warm the plan cache and the prepared statement
                cur.execute(ONE, (finest, x, y), prepare=True)
            pg_us, answers = np.empty(len(xs)), []
            clock = time.perf_counter_ns
            for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
                started = clock()
                cur.execute(ONE, (finest, x, y), prepare=True)
                row = cur.fetchone()
                pg_us[i] = (clock() - started) / 1000
                answers.append(row[0] if row else "")
            conn.execute("SET jit = off")  # JIT compiles for longer than this join runs
            started = time.perf_counter()
            conn.execute(LOAD, (bulk_x.tolist(), bulk_y.tolist()))
            conn.execute("CREATE INDEX ON pts USING gist (geom)")
            conn.execute("ANALYZE pts")
            loaded = time.perf_counter()
            rows = conn.execute(BULK, (finest,)).fetchall()
            bulk_pg_s = time.perf_counter() - loaded
            load_pg_s = loaded - started

    mem_us = np.empty(len(xs))
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        started = time.perf_counter_ns()
        index.locate(x, y)
        mem_us[i] = (time.perf_counter_ns() - started) / 1000
    started = time.perf_counter()
    codes = index.locate_many(bulk_x, bulk_y)
    bulk_mem_s = time.perf_counter() - started
    by_point = {int(i) - 1: code for i, code in rows}
    print(json.dumps({
        "bench": "locate_postgis",
        "grids": len(grids),
        "points": len(xs),
        "agree_with_index": answers == [index.locate(x, y).finest or "" for x, y in zip(xs, ys, strict=True)],
        "postgis_p50_us": round(float(np.percentile(pg_us, 50)), 1),
        "postgis_p99_us": round(float(np.percentile(pg_us, 99)), 1),
        "index_p50_us": round(float(np.percentile(mem_us, 50)), 2),
        "index_p99_us": round(float(np.percentile(mem_us, 99)), 2),
        "postgis_p99_over_index_p99": round(float(np.percentile(pg_us, 99) / np.percentile(mem_us, 99)), 1),
        "bulk_points": args.bulk_points,
        "bulk_agree_with_index": all(by_point.get(i, "") == c for i, c in enumerate(codes.tolist())),
        "postgis_bulk_join_points_per_s": round(args.bulk_points / bulk_pg_s),
        "postgis_bulk_with_load_points_per_s": round(args.bulk_points / (bulk_pg_s + load_pg_s)),
        "index_bulk_points_per_s": round(args.bulk_points / bulk_mem_s),
        "index_bulk_over_postgis_bulk": round(bulk_pg_s / bulk_mem_s, 1),
    }))


if __name__ == "__main__":
    main()
