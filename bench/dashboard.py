"""Time GET /api/queues and GET /api/dashboard (today, week, month) with a town and --cases cases of this month.

A scratch store (bench/spine.scratch_store_url) gets the migrations, the synthetic town of seed 7 (its grids,
cameras and devices) and --cases cases spread over the month so far in Beijing time, at random points of the town,
located in their grids, in every status (most not finished, so the queues are full). Then, best of --runs, through
the app (TestClient, an operator's token): each route once per run. Prints one JSON line of seconds per call.
Usage: python bench/dashboard.py [--cases 10000] [--runs 3] [--store postgis|sqlite|both]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient  # noqa: E402

from api.app import create_app  # noqa: E402
from bench.spine import scratch_store_url  # noqa: E402
from bench.timing import best_of  # noqa: E402
from cases.locator import Locator  # noqa: E402
from cases.models import Case, CaseSource, CaseStatus, Platform  # noqa: E402
from gis.zone import CHINA_TZ  # noqa: E402
from gridwatch.runtime import open_migrated_store  # noqa: E402
from gridwatch.towns import load_town  # noqa: E402
from tests.api.conftest import POLICY, add_accounts, login  # noqa: E402
from town.generate import generate_town  # noqa: E402

STATUSES = list(CaseStatus)


def seed(url: str, cases: int, now: datetime) -> None:
    store = open_migrated_store(url)
    town = generate_town(7)
    load_town(store, town)
    add_accounts(store)
    rng = random.Random(7)
    month = now.astimezone(CHINA_TZ).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    span = (now - month).total_seconds()
    lons = [d.lon for d in town.devices]
    lats = [d.lat for d in town.devices]
    categories = ["safety_hazard", "other", "road_damage", "illegal_parking", "garbage"]
    with store.unit_of_work() as uow:
        locator = Locator()
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        for i in range(cases):
            lon, lat = rng.uniform(min(lons), max(lons)), rng.uniform(min(lats), max(lats))
            at = month + timedelta(seconds=rng.uniform(0, span))
            status = rng.choice(STATUSES[:6]) if rng.random() < 0.8 else rng.choice(STATUSES)
            uow.cases.add(Case(title=f"case {i}", category=rng.choice(categories), source=CaseSource.HOTLINE,
                               status=status, platform=rng.choice(list(Platform)), lon=lon, lat=lat,
                               grid_path=locator.grid_path(lon, lat), created_at=at, updated_at=at,
                               due_at=at + timedelta(hours=rng.uniform(1, 72)), triage=rng.random() < 0.05,
                               on_time=rng.choice([None, True, False]), satisfaction=rng.choice([None, 3, 4, 5])))
    store.close()


def measure(kind: str, cases: int, runs: int) -> dict[str, float]:
    now = datetime.now(UTC)
    with scratch_store_url(kind) as url, tempfile.TemporaryDirectory() as data:
        seed(url, cases, now)
        store = open_migrated_store(url)
        with TestClient(create_app(store=store, token_policy=POLICY, data_dir=Path(data))) as client:
            who = login(client, "operator")
            calls = {"queues": "/api/queues", "dashboard_today": "/api/dashboard?period=today",
                     "dashboard_week": "/api/dashboard?period=week", "dashboard_month": "/api/dashboard?period=month"}
            result = {}
            for name, path in calls.items():
                assert client.get(path, headers=who).status_code == 200
                result[name] = round(best_of(runs, lambda p=path: client.get(p, headers=who)), 4)
        store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--store", choices=["postgis", "sqlite", "both"], default="both")
    args = parser.parse_args()
    kinds = ["sqlite", "postgis"] if args.store == "both" else [args.store]
    print(json.dumps({"cases": args.cases, **{k: measure(k, args.cases, args.runs) for k in kinds}}))


if __name__ == "__main__":
    main()
