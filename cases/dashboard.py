"""The command room's dashboard: its periods in Beijing time and the pure folds behind its lists.

The figures themselves are the assessment's (cases/assessment.py): the dashboard adds no formula of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from cases.periods import parse_period
from cases.spatial_stats import HeatBin
from gis.zone import CHINA_TZ

TIMEZONE = "Asia/Shanghai"
# A probe-less camera has no state yet: it counts as unknown, as the covering-camera ranking treats it.
UNKNOWN = "unknown"


class DashboardPeriod(StrEnum):
    """What the dashboard covers: today, this ISO week from Monday, this calendar month; each up to now."""

    TODAY = "today"
    WEEK = "week"
    MONTH = "month"


_NAMED = {DashboardPeriod.TODAY: "today", DashboardPeriod.WEEK: "this_week", DashboardPeriod.MONTH: "this_month"}


def dashboard_bounds(period: DashboardPeriod, *, now: datetime) -> tuple[datetime, datetime]:
    """Return [since, until): the period's start in Beijing time and now (a period so far, never the future)."""
    since, _ = parse_period(_NAMED[period], now=now)
    return since, now.astimezone(CHINA_TZ)


def days_between(since: datetime, until: datetime) -> list[tuple[date, datetime, datetime]]:
    """Return each Beijing day touching [since, until) with its own [start, end) clipped to the span."""
    days = []
    day = since.astimezone(CHINA_TZ).date()
    while True:
        start = max(since, datetime.combine(day, datetime.min.time(), tzinfo=CHINA_TZ))
        end = min(until, datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=CHINA_TZ))
        if start >= until:
            return days
        days.append((day, start, end))
        day += timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CategoryCount:
    """A category's count with its names (the code itself when the taxonomy no longer names it)."""

    category: str
    name_zh: str
    name_en: str
    count: int


def top_categories(counts: Mapping[str, int], names: Mapping[str, tuple[str, str]], *,
                   limit: int = 10) -> list[CategoryCount]:
    """Return the most frequent categories, ties by code; names maps a code to its (zh, en)."""
    ranked = sorted(((n, c) for c, n in counts.items() if n > 0), key=lambda nc: (-nc[0], nc[1]))[:limit]
    return [CategoryCount(c, *names.get(c, (c, c)), n) for n, c in ranked]


def hot_spots(bins: Sequence[HeatBin], *, limit: int = 10) -> list[HeatBin]:
    """Return the busiest bins, most cases first, ties south-west first (the store's order is by iy then ix)."""
    return sorted(bins, key=lambda b: (-b.count, b.iy, b.ix))[:limit]


def camera_states(camera_ids: Iterable[str], latest: Mapping[str, str]) -> dict[str, int]:
    """Return how many cameras are in each health state of their latest probe; never probed is 'unknown'."""
    return dict(sorted(Counter(latest.get(cid, UNKNOWN) for cid in camera_ids).items()))
