"""A town of one township and six villages with two weeks of cases: the weekly report's test data."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from shapely.geometry import box

from cases.models import CaseStatus, Platform
from gis.models import GridLevel
from reports.weeks import ReportWeek
from storage import Store
from tests.factories import make_case, make_grid

WEEK = ReportWeek(2026, 48)
SCRIPT_TITLE = "<script>alert('x')</script>占道经营"
OVERDUE_TITLE = "河道垃圾未清理超期"
CATEGORIES = ("illegal_parking", "garbage", "safety_hazard")
STATUSES = (CaseStatus.CLOSED, CaseStatus.EVALUATED, CaseStatus.HANDLING, CaseStatus.REJECTED, CaseStatus.REPORTED)


def seed_weeks(store: Store, *, cases_per_week: int = 60, seed: int = 4) -> None:
    """Add the town's grids and cases spread over WEEK and the week before, with marked overdue ones."""
    rng = random.Random(seed)
    town = make_grid("T01", name="青山镇", level=GridLevel.TOWN, geometry=box(120.0, 30.0, 120.06, 30.04))
    villages = [make_grid(f"V{i}{j}", name=f"{'东西南北中上'[i * 2 + j]}村", level=GridLevel.VILLAGE,
                          parent_code="T01",
                          geometry=box(120.0 + i * 0.02, 30.0 + j * 0.02, 120.02 + i * 0.02, 30.02 + j * 0.02))
                for i in range(3) for j in range(2)]
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([town, *villages])
        for week in (WEEK.previous(), WEEK):
            for k in range(cases_per_week):
                at = week.since + timedelta(seconds=rng.uniform(0, 7 * 86400 - 1))
                village = villages[rng.randrange(len(villages))]
                minx, miny, maxx, maxy = village.geometry.bounds
                uow.cases.add(make_case(
                    f"案件{k}", category=rng.choice(CATEGORIES), platform=rng.choice(list(Platform)),
                    lon=rng.uniform(minx, maxx), lat=rng.uniform(miny, maxy), grid_path=("T01", village.code),
                    status=rng.choice(STATUSES), created_at=at, updated_at=at,
                    on_time=rng.choice([True, False, None]), satisfaction=rng.choice([None, 3, 4, 5]),
                    handling_wh=rng.choice([None, 2.0, 7.5])))
        # The edges: Monday 00:00 Beijing is in the week, the next Monday 00:00 is not.
        for title, at in (("周一零点", WEEK.since), ("下周一零点", WEEK.until)):
            uow.cases.add(make_case(title, category="garbage", grid_path=("T01", "V00"), lon=120.01, lat=30.01,
                                    created_at=at, updated_at=at))
        uow.cases.add(make_case(SCRIPT_TITLE, category="garbage", grid_path=("T01", "V00"), lon=120.01, lat=30.01,
                                status=CaseStatus.HANDLING, supervision_level=3, created_at=WEEK.since + timedelta(days=1),
                                updated_at=WEEK.since + timedelta(days=1), due_at=WEEK.since + timedelta(days=2)))
        uow.cases.add(make_case(OVERDUE_TITLE, category="garbage", grid_path=("T01", "V10"), lon=120.03, lat=30.01,
                                status=CaseStatus.DISPATCHED, supervision_level=2,
                                created_at=WEEK.since + timedelta(days=2), updated_at=WEEK.since + timedelta(days=2),
                                due_at=WEEK.since + timedelta(days=3)))


def monday_after(week: ReportWeek, hours: float = 1.0) -> datetime:
    """Return a time on the Monday after the week (Beijing time)."""
    return week.until + timedelta(hours=hours)
