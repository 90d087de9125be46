"""Benchmark bulk point-to-grid over the demo town: GridIndex.locate_many against the locate loop and bare shapely 2.

What is timed, over the same random points (uniform over the town's bounding box, so about half fall outside):
`GridIndex.locate_many(lons, lats)` (finest code per point, lowest code on a shared edge, "" outside);
`GridIndex.locate(lon, lat)` called once per point on the first --loop-points of them (the loop is slow; its rate
is reported per second); and the baseline measured in the same run, plain shapely 2: `shapely.points` plus one
bare `STRtree.query(points, predicate="intersects")` over the leaf polygons (pairs only, no tie rule, no codes).

Prints one JSON line. Usage: python bench/locate.py [--points 1000000] [--loop-points 100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import shapely
from shapely.strtree import STRtree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gis.index import GridIndex  # noqa: E402
from gis.models import GridLevel  # noqa: E402
from town.generate import generate_town  # noqa: E402


def _best_of(runs: int, work: object) -> float:
    """Return the fastest of runs timings of work() in seconds."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    """Time the bulk lookup, the per-point loop and bare shapely, and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--loop-points", type=int, default=100_000, help="points timed through the locate loop")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3, help="bulk timings keep the best of this many runs")
    args = parser.parse_args()
    grids = generate_town(args.seed).grids
    index = GridIndex(grids)
    leaves = [g.geometry for g in grids if g.level == max(x.level for x in grids)]
    tree = STRtree(leaves)
    rng = np.random.default_rng(1)
    minx, miny, maxx, maxy = shapely.total_bounds(leaves)
    lons, lats = rng.uniform(minx, maxx, args.points), rng.uniform(miny, maxy, args.points)

    index.locate_many(lons[:1000], lats[:1000])  # warm
    ours_s = _best_of(args.runs, lambda: index.locate_many(lons, lats))
    plain_s = _best_of(args.runs, lambda: tree.query(shapely.points(lons, lats), predicate="intersects"))
    loop_n = min(args.loop_points, args.points)
    started = time.perf_counter()
    looped = [index.locate(float(x), float(y)).finest or "" for x, y in zip(lons[:loop_n], lats[:loop_n], strict=True)]
    loop_s = time.perf_counter() - started

    codes = index.locate_many(lons, lats)
    ours_rate, plain_rate, loop_rate = args.points / ours_s, args.points / plain_s, loop_n / loop_s
    print(json.dumps({
        "bench": "locate",
        "points": args.points,
        "leaves": len(leaves),
        "outside_share": round(float((codes == "").mean()), 3),
        "agree_with_locate": bool(list(codes[:loop_n]) == looped),
        "locate_many_points_per_s": round(ours_rate),
        "locate_loop_points_per_s": round(loop_rate),
        "loop_points": loop_n,
        "baseline_bare_strtree_points_per_s": round(plain_rate),
        "locate_many_over_loop": round(ours_rate / loop_rate, 1),
        "locate_many_over_baseline": round(ours_rate / plain_rate, 3),
    }))


if __name__ == "__main__":
    main()
