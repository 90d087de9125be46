"""Benchmark covering cameras for a point among the demo town's ~700 cameras.

What is timed: one `Locator.covering_cameras(lon, lat, limit=8, health=...)` call, health ranking included (a
mapping camera id → latest status for every camera, as the route gets from the store), for random points: half
uniform over the town, half within 200 m of a camera (where incidents and hits are). The baseline in the same
run is plain shapely: `polygon.contains(point)` over every camera's sector polygon (no ranking at all).

Prints one JSON line. Usage: python bench/covering.py [--points 5000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.spine import percentile  # noqa: E402
from cases.locator import Locator  # noqa: E402
from town.generate import generate_town  # noqa: E402
from video.health import Health  # noqa: E402
from video.sectors import view_polygon  # noqa: E402


def points(town: object, count: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """Return count WGS-84 points: half uniform in the town, half within 200 m of a random camera."""
    outline = town.town_grid.geometry  # type: ignore[attr-defined]
    minx, miny, maxx, maxy = outline.bounds
    out: list[tuple[float, float]] = []
    while len(out) < count // 2:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(outline, x, y):
            out.append((float(x), float(y)))
    cameras = town.cameras  # type: ignore[attr-defined]
    geod = Geod(ellps="WGS84")
    while len(out) < count:
        camera = cameras[int(rng.integers(len(cameras)))]
        x, y, _ = geod.fwd(camera.lon, camera.lat, rng.uniform(0, 360), 200 * np.sqrt(rng.uniform()))
        out.append((float(x), float(y)))
    return [out[int(i)] for i in rng.permutation(len(out))]


def main() -> None:
    """Time covering cameras against the plain shapely scan and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    town = generate_town(args.seed)
    rng = np.random.default_rng(1)
    statuses = list(Health)
    health = {c.id: (Health.OK if rng.random() < 0.8 else statuses[int(rng.integers(len(statuses)))])
              for c in town.cameras}
    started = time.perf_counter()
    locator = Locator.of_cameras(town.cameras)
    build_ms = (time.perf_counter() - started) * 1000
    polygons = [view_polygon(c) for c in town.cameras]
    queries = points(town, args.points, rng)

    ours, plain, hits, agree = [], [], 0, 0
    ours_hit: list[float] = []
    for lon, lat in queries[:200]:  # warm both paths
        locator.covering_cameras(lon, lat, health=health)
        [p.contains(shapely.Point(lon, lat)) for p in polygons]
    for lon, lat in queries:
        t0 = time.perf_counter_ns()
        found = locator.covering_cameras(lon, lat, limit=8, health=health)
        t1 = time.perf_counter_ns()
        point = shapely.Point(lon, lat)
        inside = [c.id for c, p in zip(town.cameras, polygons, strict=True) if p.contains(point)]
        t2 = time.perf_counter_ns()
        ours.append((t1 - t0) / 1000)
        plain.append((t2 - t1) / 1000)
        hits += bool(found)
        if found:
            ours_hit.append(ours[-1])
        everything = {c.item.id for c in locator.covering_cameras(lon, lat, limit=10_000)}
        agree += everything == set(inside)
    result = {
        "benchmark": "covering_cameras", "cameras": len(town.cameras), "points": len(queries),
        "points_with_a_camera": round(hits / len(queries), 3), "index_build_ms": round(build_ms, 2),
        "p50_us": round(percentile(ours, 0.5), 1), "p99_us": round(percentile(ours, 0.99), 1),
        "p50_us_points_seen": round(percentile(ours_hit, 0.5), 1),
        "p99_us_points_seen": round(percentile(ours_hit, 0.99), 1),
        "baseline_shapely_p50_us": round(percentile(plain, 0.5), 1),
        "baseline_shapely_p99_us": round(percentile(plain, 0.99), 1),
        "speedup_p50": round(percentile(plain, 0.5) / percentile(ours, 0.5), 1),
        "speedup_p99": round(percentile(plain, 0.99) / percentile(ours, 0.99), 1),
        "same_cameras_as_shapely": round(agree / len(queries), 4),
        "target_p99_us": 1000, "met": percentile(ours, 0.99) < 1000,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
