"""Benchmark the grid routes over the demo town: bulk locate through HTTP against the same work in memory.

What is timed, in one process on a scratch store holding town 7 and --cases open cases spread over it:
`POST /api/grids/locate` with --points GCJ-02 points (the body parsed and checked, converted in bulk, located in
one bulk index query, the answer validated and serialised), against the baseline measured in the same run: the
same conversion (`to_wgs84_many`) and lookup (`GridIndex.locate_paths_many`) on numpy arrays, no HTTP (the
HTTP side includes the client encoding the body and the audit entry of the POST, as a caller pays them); and
`GET /api/grids?level=3&format=geojson&limit=1000` (every natural village with its boundary, staff and open
counts: one grouped query per kind) against `uow.grids.list` of the same grids alone.

Prints one JSON line. Usage: python bench/grid_api.py [--points 10000] [--cases 2000] [--runs 5] [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from bench.timing import best_of  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from access.models import Role  # noqa: E402
from access.service import create_user  # noqa: E402
from access.tokens import TokenPolicy  # noqa: E402
from api.app import create_app  # noqa: E402
from bench.spine import scratch_store_url  # noqa: E402
from gis.crs import Crs  # noqa: E402
from gis.crs_bulk import from_wgs84_many, to_wgs84_many  # noqa: E402
from gis.index import GridIndex  # noqa: E402
from gridwatch.runtime import open_migrated_store  # noqa: E402
from gridwatch.towns import load_town  # noqa: E402
from tests.factories import make_case  # noqa: E402
from town.generate import generate_town  # noqa: E402

PASSWORD = "Bench-Grid-Api-2026"



def main() -> None:
    """Time bulk locate and the grid list through HTTP and in memory, and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000, help="points per bulk request (the route takes 10,000)")
    parser.add_argument("--cases", type=int, default=2_000, help="open cases seeded over the town")
    parser.add_argument("--runs", type=int, default=5, help="keep the best of this many timings")
    parser.add_argument("--quick", action="store_true", help="1,000 points, 200 cases, 2 runs")
    args = parser.parse_args()
    if args.quick:
        args.points, args.cases, args.runs = 1_000, 200, 2
    town = generate_town(7)
    index = GridIndex(town.grids)
    rng = np.random.default_rng(1)
    minx, miny, maxx, maxy = shapely.total_bounds([g.geometry for g in town.grids])
    lons, lats = rng.uniform(minx, maxx, args.points), rng.uniform(miny, maxy, args.points)
    gcj_lons, gcj_lats = from_wgs84_many(lons, lats, Crs.GCJ02)
    body = {"crs": "gcj02", "points": np.column_stack([gcj_lons, gcj_lats]).tolist()}

    with scratch_store_url("sqlite") as url, tempfile.TemporaryDirectory() as data:
        store = open_migrated_store(url)
        load_town(store, town)
        paths = index.locate_paths_many(lons[: args.cases], lats[: args.cases])
        with store.unit_of_work() as uow:
            create_user(users=uow.users, username="op", password=PASSWORD, role=Role.OPERATOR, now=datetime.now(UTC))
            for x, y, path in zip(lons[: args.cases], lats[: args.cases], paths, strict=False):
                uow.cases.add(make_case(lon=float(x), lat=float(y), grid_path=path.codes))
        app = create_app(store=store, token_policy=TokenPolicy(secret="bench-only-secret-0123456789-0123456789-ab"),
                         data_dir=Path(data))
        with TestClient(app) as http:
            token = http.post("/api/auth/token", data={"username": "op", "password": PASSWORD}).json()["access_token"]
            http.headers["Authorization"] = f"Bearer {token}"
            answer = http.post("/api/grids/locate", json=body)  # warms the locator
            assert answer.status_code == 200, answer.text
            outside = answer.json()["outside"]
            http_s = best_of(args.runs, lambda: http.post("/api/grids/locate", json=body))
            memory_s = best_of(args.runs, lambda: index.locate_paths_many(*to_wgs84_many(gcj_lons, gcj_lats,
                                                                                           Crs.GCJ02)))
            listing = "/api/grids?level=3&format=geojson&limit=1000"
            assert http.get(listing).status_code == 200
            list_s = best_of(args.runs, lambda: http.get(listing))
            with store.read_only() as uow:
                store_s = best_of(args.runs, lambda: uow.grids.list(level=3, limit=1000))
        store.close()
    print(json.dumps({
        "points": args.points, "outside": outside, "cases": args.cases,
        "bulk_locate_http_ms": round(http_s * 1e3, 2), "bulk_locate_points_per_s": round(args.points / http_s),
        "baseline_in_memory_ms": round(memory_s * 1e3, 3),
        "baseline_points_per_s": round(args.points / memory_s),
        "http_over_memory": round(http_s / memory_s, 1),
        "grid_list_geojson_ms": round(list_s * 1e3, 2), "baseline_store_list_ms": round(store_s * 1e3, 2),
        "list_over_store": round(list_s / store_s, 1),
    }))


if __name__ == "__main__":
    main()
