"""Benchmark the assessment (AssessmentRepository.summarise) over a year of cases against a plain grouped count.

A scratch store (bench/spine.scratch_store_url) gets the migrations, 200 teams and --cases cases spread over one
year (2025 in Beijing time), four platforms, twelve departments and a town of 12 villages of 5 natural villages;
most are closed with working hours, an on-time verdict and often a rating; dispatched ones have a lead assignment,
some after a declined offer. Rows go in by COPY (PostGIS) or executemany (SQLite). Then, best of --runs, through
the store's read-only unit of work: summarise the year by total, platform, department, team, grid at level 2 and
grid at every level; and the baseline, a plain `SELECT platform, count(*) FROM cases WHERE created_at in the year
GROUP BY platform` on the same table (the least any grouped answer over those rows costs). The total is checked
against the generated rows.

Prints one JSON line: seconds per grouping and its ratio to the baseline, per store; goal: under 1 s on PostGIS.
Usage: python bench/assessment.py [--cases 100000] [--runs 3] [--store postgis|sqlite|both] [--quick] [--explain]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

from bench.spine import scratch_store_url  # noqa: E402
from bench.timing import best_of  # noqa: E402
from cases.assessment import AssessBy  # noqa: E402
from cases.models import Platform, Team, TeamStatus  # noqa: E402
from gis.zone import CHINA_TZ  # noqa: E402
from storage import open_store  # noqa: E402
from storage.sqlite.dialect import TIME_FORMAT  # noqa: E402

SINCE = datetime(2025, 1, 1, tzinfo=CHINA_TZ)
UNTIL = datetime(2026, 1, 1, tzinfo=CHINA_TZ)
PLATFORMS = [str(p) for p in Platform]
DEPARTMENTS = [f"dept-{i:02d}" for i in range(12)]
PATHS = [("T", f"T{v:02d}", f"T{v:02d}{n}") for v in range(12) for n in range(5)]
TEAMS_PER_PLATFORM = 50
STATUSES = ["closed", "evaluated", "handling", "dispatched", "accepted", "rejected", "escalated", "merged"]
STATUS_WEIGHTS = [0.45, 0.30, 0.06, 0.04, 0.04, 0.05, 0.03, 0.03]
CASE_COLUMNS = ("id", "version", "title", "category", "source", "status", "platform", "lon", "lat", "grid_path",
                "created_at", "updated_at", "description", "reporter", "reporter_phone", "department", "handled_at",
                "closed_at", "handling_wh", "on_time", "satisfaction")
ASSIGNMENT_COLUMNS = ("id", "case_id", "team_id", "platform", "role", "task", "dispatched_at", "released_at",
                      "release_reason", "state")


def _cases(n: int, seed: int = 11) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    """Return case rows, assignment rows, and how many cases the year's total must count (merged ones left out)."""
    rng = np.random.default_rng(seed)
    span = (UNTIL - SINCE).total_seconds()
    offsets = np.sort(rng.uniform(0, span, n))
    statuses = rng.choice(STATUSES, n, p=STATUS_WEIGHTS)
    platforms = rng.integers(0, len(PLATFORMS), n)
    departments = rng.integers(0, len(DEPARTMENTS), n)
    paths = rng.integers(0, len(PATHS), n)
    hours = rng.lognormal(2.5, 0.8, n)
    ratings = rng.integers(1, 6, n)
    teams = rng.integers(0, TEAMS_PER_PLATFORM, n)
    declined = rng.random(n) < 0.1
    cases: list[tuple[Any, ...]] = []
    assignments: list[tuple[Any, ...]] = []
    for i in range(n):
        created = SINCE + timedelta(seconds=float(offsets[i]))
        status = str(statuses[i])
        handled = status in ("closed", "evaluated")
        wh = float(hours[i]) if handled else None
        done = created + timedelta(hours=float(hours[i]) * 2) if handled else None
        platform = PLATFORMS[platforms[i]]
        cases.append((i + 1, 1, "bench", "litter", "grid_staff", status, platform, 120.0, 32.0, PATHS[paths[i]],
                      created, created, "", "", "", DEPARTMENTS[departments[i]], done, done, wh,
                      None if wh is None else wh <= 40.0, int(ratings[i]) if status == "evaluated" else None))
        if status in ("closed", "evaluated", "handling", "dispatched"):
            if declined[i]:
                other = f"{platform}-{(teams[i] + 1) % TEAMS_PER_PLATFORM:02d}"
                assignments.append((len(assignments) + 1, i + 1, other, platform, "lead", "", created, created,
                                    "declined", "offered"))
            released = done or created
            assignments.append((len(assignments) + 1, i + 1, f"{platform}-{teams[i]:02d}", platform, "lead", "",
                                created, released, "case_closed", "done" if handled else "accepted"))
    return cases, assignments, int(sum(1 for s in statuses if s != "merged"))


def _teams() -> list[Team]:
    return [Team(id=f"{p}-{k:02d}", name=f"{p} team {k}", platform=Platform(p), status=TeamStatus.AVAILABLE,
                 lon=120.0, lat=32.0) for p in PLATFORMS for k in range(TEAMS_PER_PLATFORM)]


def _load_postgis(url: str, cases: list[tuple[Any, ...]], assignments: list[tuple[Any, ...]]) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.cursor() as cur:
            with cur.copy(f"COPY cases ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
                for row in cases:
                    copy.write_row([list(v) if isinstance(v, tuple) else v for v in row])
            with cur.copy(f"COPY assignments ({', '.join(ASSIGNMENT_COLUMNS)}) FROM STDIN") as copy:
                for row in assignments:
                    copy.write_row(row)
        conn.execute("SELECT setval('cases_id_seq', (SELECT max(id) FROM cases))")
        conn.execute("SELECT setval('assignments_id_seq', (SELECT max(id) FROM assignments))")
        conn.execute("VACUUM ANALYZE cases")
        conn.execute("VACUUM ANALYZE assignments")


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(TIME_FORMAT)
    if isinstance(value, tuple):
        return json.dumps(list(value))
    return int(value) if isinstance(value, bool) else value


def _load_sqlite(path: str, cases: list[tuple[Any, ...]], assignments: list[tuple[Any, ...]]) -> None:
    with sqlite3.connect(path) as conn:
        conn.executemany(f"INSERT INTO cases ({', '.join(CASE_COLUMNS)}) VALUES ({', '.join('?' * len(CASE_COLUMNS))})",
                         [[_sqlite_value(v) for v in row] for row in cases])
        conn.executemany(f"INSERT INTO assignments ({', '.join(ASSIGNMENT_COLUMNS)})"
                         f" VALUES ({', '.join('?' * len(ASSIGNMENT_COLUMNS))})",
                         [[_sqlite_value(v) for v in row] for row in assignments])
        conn.execute("ANALYZE")


BASELINE = "SELECT platform, count(*) AS n FROM cases WHERE created_at >= {p} AND created_at < {p} GROUP BY platform"
GROUPINGS = {"total": (AssessBy.TOTAL, None), "platform": (AssessBy.PLATFORM, None),
             "department": (AssessBy.DEPARTMENT, None), "team": (AssessBy.TEAM, None),
             "grid_level_2": (AssessBy.GRID, 2), "grid_all_levels": (AssessBy.GRID, None)}


def _baseline(kind: str, url: str, runs: int) -> float:
    if kind == "postgis":
        with psycopg.connect(url) as conn:
            sql = BASELINE.format(p="%s")
            return best_of(runs, lambda: conn.execute(sql, (SINCE, UNTIL)).fetchall())
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        sql = BASELINE.format(p="?")
        bounds = (_sqlite_value(SINCE), _sqlite_value(UNTIL))
        return best_of(runs, lambda: conn.execute(sql, bounds).fetchall())


def _explain(url: str) -> None:
    """Print PostgreSQL's plan of the team grouping (the one that reads assignments) to stderr."""
    from storage.sql.assessment import _LEAD_TEAM  # the bench looks inside, as a reader of the plan would

    with psycopg.connect(url) as conn:
        rows = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) SELECT coalesce({_LEAD_TEAM}, '') AS grp, count(*)"
                            " FROM cases c WHERE c.created_at >= %s AND c.created_at < %s GROUP BY 1",
                            (SINCE, UNTIL)).fetchall()
    print("\n".join(r[0] for r in rows), file=sys.stderr)


def _measure(kind: str, n: int, runs: int, explain: bool) -> dict[str, Any]:
    cases, assignments, expected = _cases(n)
    with scratch_store_url(kind) as url:
        store = open_store(url)
        try:
            store.migrate()
            with store.unit_of_work() as uow:
                uow.teams.upsert_many(_teams())
            if kind == "postgis":
                _load_postgis(url, cases, assignments)
            else:
                _load_sqlite(url.removeprefix("sqlite:///"), cases, assignments)
            figures: dict[str, Any] = {"assignments": len(assignments)}
            with store.read_only() as uow:
                (total,) = uow.assessment.summarise(since=SINCE, until=UNTIL, by=AssessBy.TOTAL)
                if total.received != expected:
                    raise SystemExit(f"{kind}: the total counts {total.received} cases, the year holds {expected}")
                for name, (by, level) in GROUPINGS.items():
                    figures[f"{name}_s"] = round(best_of(runs, lambda: uow.assessment.summarise(
                        since=SINCE, until=UNTIL, by=by, grid_level=level)), 4)
            baseline = _baseline(kind, url, runs)
            figures["baseline_group_by_platform_s"] = round(baseline, 4)
            for name in GROUPINGS:
                figures[f"{name}_ratio"] = round(figures[f"{name}_s"] / baseline, 1)
            figures["slowest_s"] = max(figures[f"{name}_s"] for name in GROUPINGS)
            if explain and kind == "postgis":
                _explain(url)
        finally:
            store.close()
    return figures


def main() -> None:
    """Seed a year of cases, time every grouping of the assessment and a plain grouped count, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--store", choices=["postgis", "sqlite", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="10,000 cases, one run")
    parser.add_argument("--explain", action="store_true", help="print the team grouping's PostgreSQL plan to stderr")
    args = parser.parse_args()
    if args.quick:
        args.cases, args.runs = 10_000, 1
    kinds = ["postgis", "sqlite"] if args.store == "both" else [args.store]
    result: dict[str, Any] = {"cases": args.cases, "period": "2025 (Asia/Shanghai)", "runs": args.runs,
                              "goal_postgis_s": 1.0}
    for kind in kinds:
        result[kind] = _measure(kind, args.cases, args.runs, args.explain)
    if "postgis" in result:
        result["postgis_under_goal"] = result["postgis"]["slowest_s"] < 1.0
    print(json.dumps(result))


if __name__ == "__main__":
    main()
