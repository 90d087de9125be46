"""The week's figures, gathered from the store with the assessment's definitions (cases.assessment)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from shapely.geometry import Point
from shapely.prepared import prep

from cases.assessment import AssessBy, AssessmentRepository, AssessmentRow
from cases.assessment_report import PLATFORM_NAMES, NamedRow, assess
from cases.dashboard import days_between, hot_spots
from cases.models import Case, CaseStatus
from cases.repository import CaseRepository, TeamRepository
from cases.spatial_stats import Heatmap, SpatialStatsRepository, StatsOf
from cases.taxonomy_service import active_taxonomy
from cases.taxonomy_store import TaxonomyRepository
from gis.models import Grid
from gis.repository import GridRepository
from reports.weeks import ReportWeek

# A hot-spot bin's side: a few hundred metres tells a village lane from the next.
HOT_SPOT_CELL_M = 500.0
TOP_CATEGORIES = 10
TOP_HOT_SPOTS = 10
# The case lists are for a meeting's agenda, not an export: the most urgent first, this many at most.
MAX_LISTED = 30
_PAGE = 1000
# Supervision levels (cases.models.Case.supervision_level): 2 overdue, 3 and 4 escalated to a head or the leader.
OVERDUE_LEVEL = 2
ESCALATED_LEVEL = 3


class ReportSources(Protocol):
    """The repositories a weekly report reads (a read-only unit of work has them all)."""

    assessment: AssessmentRepository
    cases: CaseRepository
    grids: GridRepository
    teams: TeamRepository
    spatial_stats: SpatialStatsRepository
    taxonomy_versions: TaxonomyRepository


@dataclass(frozen=True, slots=True)
class Comparison:
    """One headline figure this week and the week before; delta is this minus that (None if either is None)."""

    key: str
    label: str
    value: float | None
    previous: float | None
    percent: bool

    @property
    def delta(self) -> float | None:
        """Return the change since the week before."""
        return None if self.value is None or self.previous is None else self.value - self.previous

    @property
    def arrow(self) -> str:
        """Return ↑, ↓ or → for the change (a blank when it cannot be told)."""
        delta = self.delta
        if delta is None:
            return ""
        return "↑" if delta > 1e-9 else "↓" if delta < -1e-9 else "→"


@dataclass(frozen=True, slots=True)
class CategoryCount:
    """Cases received in a category this week and the week before, with its names from the active taxonomy."""

    code: str
    name_zh: str
    name_en: str
    count: int
    previous: int


@dataclass(frozen=True, slots=True)
class DayCount:
    """A day of the week: cases received that day and how many of them are closed (the assessment's figures)."""

    day: date
    received: int
    closed: int


@dataclass(frozen=True, slots=True)
class HotSpot:
    """A heatmap bin's centre in WGS-84 (lon, lat), its count and the finest grid it lies in."""

    lon: float
    lat: float
    count: int
    grid_name: str


@dataclass(frozen=True, slots=True)
class CaseLine:
    """A case as the report lists it."""

    id: int
    title: str
    category: str
    platform: str
    grid: str
    status: str
    created_at: datetime
    due_at: datetime | None
    supervision_level: int


@dataclass(frozen=True, slots=True)
class WeeklyFigures:
    """Everything a weekly report shows, as it stood at made_at."""

    week: ReportWeek
    made_at: datetime
    total: AssessmentRow
    previous_total: AssessmentRow
    by_platform: list[NamedRow]
    by_grid: list[NamedRow]
    grid_level: int
    categories: list[CategoryCount]
    trend: list[DayCount]
    heatmap: Heatmap
    hot_spots: list[HotSpot]
    grids: list[Grid]
    overdue: list[CaseLine]
    overdue_total: int
    escalated: list[CaseLine]
    escalated_total: int

    @property
    def comparisons(self) -> list[Comparison]:
        """Return the headline figures with the week before's."""
        t, p = self.total, self.previous_total
        return [Comparison("received", "受理 received", t.received, p.received, False),
                Comparison("closed", "办结 closed", t.closed, p.closed, False),
                Comparison("closure_rate", "办结率 closure rate", t.closure_rate, p.closure_rate, True),
                Comparison("on_time_rate", "按时率 on-time rate", t.on_time_rate, p.on_time_rate, True),
                Comparison("satisfaction_avg", "满意度 satisfaction (1-5)", t.satisfaction_avg, p.satisfaction_avg,
                           False)]


def _total(sources: ReportSources, since: datetime, until: datetime) -> AssessmentRow:
    return sources.assessment.summarise(since=since, until=until, by=AssessBy.TOTAL)[0]


def _last_instant(week: ReportWeek) -> datetime:
    # created_until is inclusive in the repository; the week ends before the next Monday's midnight.
    return week.until - timedelta(microseconds=1)


def _received(sources: ReportSources, week: ReportWeek) -> list[Case]:
    """Return the cases received in the week, merged duplicates left out (as the assessment counts them)."""
    found: list[Case] = []
    offset = 0
    while True:
        page = sources.cases.list(created_since=week.since, created_until=_last_instant(week), limit=_PAGE,
                                  offset=offset)
        found.extend(page)
        if len(page) < _PAGE:
            break
        offset += _PAGE
    return [c for c in found if c.status is not CaseStatus.MERGED]


def _categories(sources: ReportSources, week: ReportWeek, received: Sequence[Case]) -> list[CategoryCount]:
    taxonomy, _version = active_taxonomy(versions=sources.taxonomy_versions)
    names = taxonomy.subcategories
    now = Counter(c.category for c in received)
    before = Counter(c.category for c in _received(sources, week.previous()))
    rows = []
    for code, count in sorted(now.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CATEGORIES]:
        sub = names.get(code)
        rows.append(CategoryCount(code, sub.zh if sub else code, sub.en if sub else code, count, before.get(code, 0)))
    return rows


def _trend(sources: ReportSources, week: ReportWeek) -> list[DayCount]:
    rows = []
    for day, since, until in days_between(week.since, week.until):
        row = _total(sources, since, until)
        rows.append(DayCount(day, row.received, row.closed))
    return rows


def _finest_grid_names(grids: Sequence[Grid]) -> list[tuple[Any, str]]:
    # Finest first, so a point takes the name of the smallest grid holding it.
    return [(prep(g.geometry), g.name) for g in sorted(grids, key=lambda g: -g.level)]


def _hot_spots(heatmap: Heatmap, grids: Sequence[Grid]) -> list[HotSpot]:
    shapes = _finest_grid_names(grids)
    spots = []
    for b in hot_spots(heatmap.bins, limit=TOP_HOT_SPOTS):
        point = Point(b.lon, b.lat)
        name = next((n for shape, n in shapes if shape.contains(point)), "")
        spots.append(HotSpot(b.lon, b.lat, b.count, name))
    return spots


def _line(case: Case, names: dict[str, str], grid_names: dict[str, str]) -> CaseLine:
    return CaseLine(id=int(case.id or 0), title=case.title, category=names.get(case.category, case.category),
                    platform=PLATFORM_NAMES.get(str(case.platform), "") if case.platform else "",
                    grid=grid_names.get(case.grid_code or "", case.grid_code or ""), status=str(case.status),
                    created_at=case.created_at, due_at=case.due_at, supervision_level=case.supervision_level)


def _supervised(sources: ReportSources, levels: Sequence[int]) -> tuple[list[Case], int]:
    listed: list[Case] = []
    total = 0
    for level in levels:
        total += sources.cases.count_supervised(level=level)
        listed.extend(sources.cases.supervised(level=level, limit=MAX_LISTED))
    return listed[:MAX_LISTED], total


def gather_weekly(sources: ReportSources, *, week: ReportWeek, now: datetime) -> WeeklyFigures:
    """Return the week's figures and the week before's, from one read-only unit of work."""
    grids = sources.grids.all()
    levels = {g.level for g in grids}
    grid_level = 2 if 2 in levels else 1
    by_grid = assess(assessment=sources.assessment, grids=sources.grids, teams=sources.teams, since=week.since,
                     until=week.until, by=AssessBy.GRID, grid_level=grid_level)
    by_platform = assess(assessment=sources.assessment, grids=sources.grids, teams=sources.teams, since=week.since,
                         until=week.until, by=AssessBy.PLATFORM)
    received = _received(sources, week)
    bbox = None
    if grids:
        xs = [g.geometry.bounds for g in grids]
        bbox = (min(b[0] for b in xs), min(b[1] for b in xs), max(b[2] for b in xs), max(b[3] for b in xs))
    heatmap = sources.spatial_stats.heatmap(of=StatsOf.CASES, since=week.since, until=week.until,
                                            cell_m=HOT_SPOT_CELL_M, bbox=bbox)
    taxonomy, _version = active_taxonomy(versions=sources.taxonomy_versions)
    names = {code: sub.zh for code, sub in taxonomy.subcategories.items()}
    grid_names = {g.code: g.name for g in grids}
    overdue, overdue_total = _supervised(sources, (OVERDUE_LEVEL,))
    escalated, escalated_total = _supervised(sources, (4, ESCALATED_LEVEL))
    # Escalated to the city (事权不在本级) this week: they left the town's loop, the meeting still hears of them.
    to_city = sources.cases.list(status=CaseStatus.ESCALATED, created_since=week.since,
                                 created_until=_last_instant(week), limit=MAX_LISTED)
    escalated_total += sources.cases.count(status=CaseStatus.ESCALATED, created_since=week.since,
                                           created_until=_last_instant(week))
    return WeeklyFigures(
        week=week, made_at=now, total=_total(sources, week.since, week.until),
        previous_total=_total(sources, week.previous().since, week.previous().until),
        by_platform=by_platform, by_grid=by_grid, grid_level=grid_level,
        categories=_categories(sources, week, received), trend=_trend(sources, week), heatmap=heatmap,
        hot_spots=_hot_spots(heatmap, grids), grids=grids,
        overdue=[_line(c, names, grid_names) for c in overdue], overdue_total=overdue_total,
        escalated=[_line(c, names, grid_names) for c in [*escalated, *to_city][:MAX_LISTED]],
        escalated_total=escalated_total)
