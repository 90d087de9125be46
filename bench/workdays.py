"""Benchmark due dates: how many cases per second get their deadline from the working calendar.

For N cases reported at random instants over 2025-2026 (both years from the chinese-calendar package), time
WorkingDays(5).due, WorkingHours(16).due and working_hours_between (assessment's handling time) through
cases.workdays.WorkingCalendar. Baseline in the same run: the naive rule, one day at a time asking
chinese_calendar.is_workday, for the 5-working-day due date of the same cases (checked equal). Prints one JSON
line. Usage: python bench/workdays.py [--cases 100000] [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

import chinese_calendar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import best_of  # noqa: E402
from cases.workdays import WorkingCalendar, WorkingDays, WorkingHours  # noqa: E402
from gis.zone import CHINA_TZ  # noqa: E402


def naive_due(start: datetime, n: int) -> datetime:
    """Return the close of the n-th working day after start's day, stepping one day at a time."""
    day, counted = start.astimezone(CHINA_TZ).date(), 0
    while counted < n:
        day += timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    return datetime(day.year, day.month, day.day, 17, 30, tzinfo=CHINA_TZ)


def main() -> None:
    """Time the calendar and the naive loop over the same cases and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases (default 100000)")
    parser.add_argument("--quick", action="store_true", help="2,000 cases, one run: a smoke test")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    cases = 2_000 if args.quick else args.cases
    runs = 1 if args.quick else 3
    rng = random.Random(args.seed)
    first = datetime(2025, 1, 1, tzinfo=CHINA_TZ)
    span = (datetime(2026, 12, 15, tzinfo=CHINA_TZ) - first).total_seconds()
    starts = [first + timedelta(seconds=rng.uniform(0, span)) for _ in range(cases)]
    ends = [s + timedelta(hours=rng.uniform(0, 300)) for s in starts]
    calendar = WorkingCalendar()
    days, hours = WorkingDays(5), WorkingHours(16)
    calendar.add_working_days(starts[0], 1)  # build the year tables outside the timing, as a running process has

    wd_s = best_of(runs, lambda: [days.due(s, calendar) for s in starts])
    wh_s = best_of(runs, lambda: [hours.due(s, calendar) for s in starts])
    between_s = best_of(runs, lambda: [calendar.working_hours_between(a, b) for a, b in zip(starts, ends)])
    naive_s = best_of(1, lambda: [naive_due(s, 5) for s in starts])
    assert all(days.due(s, calendar) == naive_due(s, 5) for s in starts[:2000]), "the calendar and the naive rule differ"
    print(json.dumps({
        "bench": "workdays", "cases": cases,
        "working_days_due_per_s": round(cases / wd_s), "working_hours_due_per_s": round(cases / wh_s),
        "working_hours_between_per_s": round(cases / between_s),
        "baseline_naive_day_loop_per_s": round(cases / naive_s),
        "ratio_working_days_vs_naive": round(naive_s / wd_s, 1),
    }))


if __name__ == "__main__":
    main()
