"""Benchmark point-to-grid over the demo town (289 grids, 3 levels): bulk, one point, and plain shapely 2 in the same run.

What is timed, over the same random points (uniform over the town's bounding box, so about a third fall outside):
- `GridIndex.locate_many(lons, lats)`: finest code per point, lowest code on a shared edge, "" outside;
- the baselines, plain shapely 2 over the leaf polygons (pairs or slots only: no tie rule, no codes), each the best
  of --runs: `STRtree.query(points, predicate="intersects")`; `STRtree.query(points)` then `shapely.intersects_xy` on
  the prepared candidates; and per leaf, a numpy bbox mask then `shapely.contains_xy` on the prepared leaf. The best
  of them is the baseline and `locate_many_over_best_shapely` the ratio (goal: >= 0.5, i.e. within 2x);
- `GridIndex.locate(lon, lat)` one point at a time on --loop-points points: rate, p50 and p99 in microseconds (goal:
  p99 < 50 us), against the same loop of `STRtree.query(shapely.Point(...), predicate="intersects")`.

Prints one JSON line. Usage: python bench/locate.py [--points 1000000] [--loop-points 100000] [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from shapely.strtree import STRtree

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import best_of  # noqa: E402
from gis.index import GridIndex  # noqa: E402
from town.generate import generate_town  # noqa: E402



def _per_leaf(leaves: list[shapely.Geometry], xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Plain shapely: per prepared leaf, a bbox mask then contains_xy on the points inside it."""
    out = np.full(xs.size, -1)
    for i, leaf in enumerate(leaves):
        x0, y0, x1, y1 = leaf.bounds
        near = np.flatnonzero((xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1))
        out[near[shapely.contains_xy(leaf, xs[near], ys[near])]] = i
    return out


def _candidates_then_xy(tree: STRtree, leaves: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, ...]:
    """Plain shapely: box candidates from the tree, then intersects_xy on the prepared candidates."""
    points, hits = tree.query(shapely.points(xs, ys))
    keep = shapely.intersects_xy(leaves[hits], xs[points], ys[points])
    return points[keep], hits[keep]


def _latencies_us(locate: Callable[[float, float], object], xs: list[float], ys: list[float]) -> np.ndarray:
    """Return each call's time in microseconds."""
    out = np.empty(len(xs))
    clock = time.perf_counter_ns
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        started = clock()
        locate(x, y)
        out[i] = clock() - started
    return out / 1000.0


def main() -> None:
    """Time bulk, one-point and plain shapely lookups and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--loop-points", type=int, default=100_000, help="points timed one at a time")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3, help="bulk timings keep the best of this many runs")
    parser.add_argument("--quick", action="store_true", help="100,000 points, 10,000 one at a time")
    args = parser.parse_args()
    if args.quick:
        args.points, args.loop_points = 100_000, 10_000
    grids = generate_town(args.seed).grids
    finest = max(g.level for g in grids)
    started = time.perf_counter()
    index = GridIndex(grids)
    index.locate_many(np.array([0.0]), np.array([0.0]))  # builds the raster, as the first real call would
    build_s = time.perf_counter() - started
    leaves = [g.geometry for g in sorted(grids, key=lambda g: g.code) if g.level == finest]
    for leaf in leaves:
        shapely.prepare(leaf)
    leaf_array = np.array(leaves, dtype=object)
    tree = STRtree(leaves)
    rng = np.random.default_rng(1)
    minx, miny, maxx, maxy = shapely.total_bounds(leaves)
    lons, lats = rng.uniform(minx, maxx, args.points), rng.uniform(miny, maxy, args.points)

    ours_s = best_of(args.runs, lambda: index.locate_many(lons, lats))
    baselines = {
        "strtree_query_intersects": best_of(args.runs, lambda: tree.query(shapely.points(lons, lats),
                                                                           predicate="intersects")),
        "strtree_candidates_then_intersects_xy": best_of(args.runs, lambda: _candidates_then_xy(
            tree, leaf_array, lons, lats)),
        "per_leaf_bbox_then_contains_xy": best_of(args.runs, lambda: _per_leaf(leaves, lons, lats)),
    }
    best_name = min(baselines, key=baselines.__getitem__)

    loop_n = min(args.loop_points, args.points)
    xs, ys = lons[:loop_n].tolist(), lats[:loop_n].tolist()
    ours_us = _latencies_us(index.locate, xs, ys)
    plain_us = _latencies_us(lambda x, y: tree.query(shapely.Point(x, y), predicate="intersects"), xs, ys)
    codes = index.locate_many(lons, lats)
    looped = [index.locate(x, y).finest or "" for x, y in zip(xs, ys, strict=True)]
    rate = {name: round(args.points / seconds) for name, seconds in baselines.items()}
    print(json.dumps({
        "bench": "locate",
        "grids": len(grids),
        "leaves": len(leaves),
        "levels": len({g.level for g in grids}),
        "points": args.points,
        "outside_share": round(float((codes == "").mean()), 3),
        "agree_with_locate": bool(list(codes[:loop_n]) == looped),
        "index_build_ms": round(build_s * 1000, 1),
        "locate_many_points_per_s": round(args.points / ours_s),
        "baseline_points_per_s": rate,
        "best_shapely_method": best_name,
        "best_shapely_points_per_s": rate[best_name],
        "locate_many_over_best_shapely": round(baselines[best_name] / ours_s, 3),
        "loop_points": loop_n,
        "locate_p50_us": round(float(np.percentile(ours_us, 50)), 2),
        "locate_p99_us": round(float(np.percentile(ours_us, 99)), 2),
        "locate_points_per_s": round(loop_n / (ours_us.sum() / 1e6)),
        "baseline_point_query_p99_us": round(float(np.percentile(plain_us, 99)), 2),
        "locate_p99_over_baseline_p99": round(float(np.percentile(ours_us, 99) / np.percentile(plain_us, 99)), 3),
    }))


if __name__ == "__main__":
    main()
