"""Benchmark bulk GCJ-02 -> WGS-84: points per second of gis.crs_bulk.to_wgs84_many on numpy arrays.

Baseline in the same run: the scalar gis.crs.to_wgs84 in a Python loop over the same points. Points are uniform over
China (lon 73..135, lat 18..53.5) shifted into GCJ-02. Also timed: as many CGCS2000 Gauss-Krüger (EPSG:4528) eastings
and northings to lon/lat through pyproj. Prints one JSON line. Usage: python bench/crs.py [--points 100000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gis.crs import Crs, to_wgs84  # noqa: E402
from gis.crs_bulk import from_wgs84_many, to_wgs84_many  # noqa: E402
from gis.projection import zone_for_lon  # noqa: E402


def main() -> None:
    """Time the bulk and the scalar inverse over the same points and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000, help="points converted (default 100000)")
    parser.add_argument("--crs", choices=["gcj02", "bd09"], default="gcj02", help="system converted from")
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    crs = Crs(args.crs)
    rng = np.random.default_rng(args.seed)
    lons, lats = from_wgs84_many(rng.uniform(73.0, 135.0, args.points), rng.uniform(18.0, 53.5, args.points), crs)

    start = time.perf_counter()
    bulk_lon, bulk_lat = to_wgs84_many(lons, lats, crs)
    bulk_s = time.perf_counter() - start

    start = time.perf_counter()
    scalar = [to_wgs84(lon, lat, crs) for lon, lat in zip(lons.tolist(), lats.tolist(), strict=True)]
    scalar_s = time.perf_counter() - start

    # Surveys: a CGCS2000 Gauss-Krüger zone (3-degree, zone-prefixed) to lon/lat through pyproj, same point count.
    zone = zone_for_lon(120.0)
    gk_x, gk_y = from_wgs84_many(rng.uniform(118.6, 121.4, args.points), rng.uniform(18.0, 53.5, args.points), zone)
    start = time.perf_counter()
    to_wgs84_many(gk_x, gk_y, zone)
    gk_s = time.perf_counter() - start

    worst_deg = float(np.max(np.hypot(bulk_lon - np.array([p[0] for p in scalar]),
                                      bulk_lat - np.array([p[1] for p in scalar]))))
    print(json.dumps({
        "bench": "crs", "crs": crs.value, "points": args.points,
        "bulk_points_per_s": round(args.points / bulk_s), "scalar_points_per_s": round(args.points / scalar_s),
        "bulk_over_scalar": round(scalar_s / bulk_s, 1), "max_disagreement_m": round(worst_deg * 111_320, 6),
        "gauss_kruger_zone": zone.value, "gauss_kruger_to_wgs84_points_per_s": round(args.points / gk_s),
    }))


if __name__ == "__main__":
    main()
