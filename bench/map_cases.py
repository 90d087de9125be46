"""Benchmark GET /api/map/cases on PostGIS against a plain SQL read of every open case's id and position.

A scratch database gets the store's migrations, the demo town and --cases open cases spread over the town's
extent (inserted in one statement). Timed, best of --runs, in one process: the route (through the app, as the
page asks it, JSON bytes counted) at town zoom (the whole town in a 1600 x 1000 pixel view: clusters) and at a
street zoom (zoom 17 around the town's centre: points); and the baseline, `SELECT id, lon, lat FROM cases WHERE
<open>` on the store's connection, with the bytes of that answer as JSON (what sending every case would cost).

Prints one JSON line. Usage: python bench/map_cases.py [--cases 10000] [--runs 5] [--quick]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from access.models import Role  # noqa: E402
from access.service import create_user  # noqa: E402
from api.app import create_app  # noqa: E402
from bench.locate_postgis import scratch_database  # noqa: E402
from bench.timing import best_of_with_answer  # noqa: E402
from cases.lifecycle import FINISHED  # noqa: E402
from gridwatch.towns import load_town  # noqa: E402
from storage import open_store  # noqa: E402
from town.generate import generate_town  # noqa: E402

PASSWORD = "Bench-Map-2026-x"
VIEW_PX = (1600, 1000)
INSERT = ("INSERT INTO cases (title, category, source, status, platform, lon, lat, grid_path, created_at, updated_at,"
          " description, reporter, reporter_phone)"
          " SELECT 'bench case', 'litter', 'grid_staff', s, p, x, y, ARRAY['T']::text[], now(), now(), '', '', ''"
          " FROM unnest(%s::float8[], %s::float8[], %s::text[], %s::text[]) AS u(x, y, s, p)")



def _view(lon: float, lat: float, zoom: float) -> str:
    """Return the bbox a VIEW_PX map centred on (lon, lat) shows at zoom (Web Mercator, 256-px tiles)."""
    half_w = VIEW_PX[0] / 2 * 360 / (256 * 2**zoom)
    half_h = VIEW_PX[1] / 2 * 360 / (256 * 2**zoom) * math.cos(math.radians(lat))
    return f"{lon - half_w:.6f},{lat - half_h:.6f},{lon + half_w:.6f},{lat + half_h:.6f}"


def _town_zoom(bounds: tuple[float, float, float, float]) -> float:
    """Return the zoom (quarter steps) at which the town's bounds fit the view, as the page's fitBounds does."""
    w, s, e, n = bounds
    zx = math.log2(VIEW_PX[0] * 360 / (256 * (e - w)))
    zy = math.log2(VIEW_PX[1] * 360 * math.cos(math.radians((s + n) / 2)) / (256 * (n - s)))
    return math.floor(min(zx, zy) * 4) / 4


def main() -> None:
    """Seed open cases in PostGIS, time /api/map/cases at two zooms and a plain SQL read, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2,000 cases, 2 runs")
    args = parser.parse_args()
    if args.quick:
        args.cases, args.runs = 2_000, 2
    town = generate_town(7)
    bounds = tuple(float(v) for v in shapely.total_bounds([g.geometry for g in town.grids]))
    rng = np.random.default_rng(4)
    xs = rng.uniform(bounds[0], bounds[2], args.cases).tolist()
    ys = rng.uniform(bounds[1], bounds[3], args.cases).tolist()
    statuses = [("reported", "accepted", "dispatched", "handling")[i % 4] for i in range(args.cases)]
    platforms = [("governance", "market", "enforcement", "service")[i % 4] for i in range(args.cases)]
    centre = ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)
    town_zoom, street_zoom = _town_zoom(bounds), 17.0  # type: ignore[arg-type]
    views = {"town": (_view(*centre, town_zoom), town_zoom), "street": (_view(*centre, street_zoom), street_zoom)}

    with scratch_database() as url:
        store = open_store(url)
        try:
            store.migrate()
            load_town(store, town)
            with store.unit_of_work() as uow:
                create_user(users=uow.users, username="op", password=PASSWORD, role=Role.OPERATOR, now=datetime.now(UTC))
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(INSERT, (xs, ys, statuses, platforms))
                conn.execute("ANALYZE cases")
            out: dict[str, object] = {"bench": "map_cases", "backend": "postgis", "cases": args.cases,
                                      "town_zoom": town_zoom, "street_zoom": street_zoom}
            with TestClient(create_app(store=store, data_dir=Path(tempfile.mkdtemp()))) as http:
                token = http.post("/api/auth/token", data={"username": "op", "password": PASSWORD}).json()
                http.headers["Authorization"] = f"Bearer {token['access_token']}"
                for name, (bbox, zoom) in views.items():
                    seconds, answer = best_of_with_answer(args.runs, lambda b=bbox, z=zoom: http.get(
                        "/api/map/cases", params={"bbox": b, "zoom": z}))
                    assert answer.status_code == 200, answer.text  # type: ignore[attr-defined]
                    body = answer.json()  # type: ignore[attr-defined]
                    drawn = len(body.get("clusters", body.get("points", [])))
                    out.update({f"{name}_mode": body["mode"], f"{name}_total": body["total"], f"{name}_items": drawn,
                                f"{name}_ms": round(seconds * 1000, 2),
                                f"{name}_bytes": len(answer.content)})  # type: ignore[attr-defined]
                    if body["mode"] == "clusters":
                        out[f"{name}_clusters_sum_to_total"] = sum(c["count"] for c in body["clusters"]) == body["total"]
            with store.read_only() as uow:
                db = uow.cases._db  # the baseline runs on the store's own connection
                finished = sorted(str(s) for s in FINISHED)
                sql = f"SELECT id, lon, lat FROM cases WHERE status NOT IN ({', '.join('?' * len(finished))})"
                plain_s, rows = best_of_with_answer(args.runs, lambda: db.execute(sql, finished).fetchall())
                plain_bytes = len(json.dumps([{"id": r["id"], "lon": r["lon"], "lat": r["lat"]} for r in rows],  # type: ignore[union-attr]
                                             separators=(",", ":")))
        finally:
            store.close()
    out.update({"plain_sql_rows": len(rows), "plain_sql_ms": round(plain_s * 1000, 2),  # type: ignore[arg-type]
                "plain_sql_json_bytes": plain_bytes})
    for name in views:
        out[f"{name}_ms_over_plain_sql"] = round(out[f"{name}_ms"] / out["plain_sql_ms"], 2)  # type: ignore[operator]
        out[f"{name}_bytes_over_plain_sql"] = round(out[f"{name}_bytes"] / plain_bytes, 3)  # type: ignore[operator]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
