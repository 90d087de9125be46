"""The command room's dashboard of today, this week or this month (Beijing time): the assessment's figures and more."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from access.models import Principal
from access.policy import case_reach
from alerts.models import OPEN_STATUSES
from api.deps import ClockDep, LocatorDep, StoreDep
from api.responses.queues import DashboardRead
from api.security import OpsReader
from cases.assessment import TOTAL, AssessBy
from cases.assessment_report import NamedRow, assess
from cases.dashboard import (TIMEZONE, DashboardPeriod, camera_states, dashboard_bounds, days_between, hot_spots,
                             top_categories)
from cases.locator import Locator
from cases.queues import OPEN
from cases.spatial_stats import Reach, StatsOf
from cases.taxonomy_service import active_taxonomy
from storage import UnitOfWork

router = APIRouter(tags=["assessment"])

HOT_SPOT_CELL_M = 500.0
# The metric of a silence rule's alert (alerts/rule_engine.py): a device that stopped reporting.
SILENCE_METRIC = "silent_s"
# Open alerts are read to find the silent devices; a town has thousands of devices at most.
MAX_OPEN_ALERTS = 100_000


def _row(named: NamedRow) -> dict[str, Any]:
    return {**dataclasses.asdict(named.row), "name": named.name}


def _assess(uow: UnitOfWork, principal: Principal, since: datetime, until: datetime, by: AssessBy,
            grid_level: int | None = None) -> list[NamedRow]:
    reach = case_reach(principal)
    return assess(assessment=uow.assessment, grids=uow.grids, teams=uow.teams, since=since, until=until, by=by,
                  grid_level=grid_level, platform=None if reach.platform is None else str(reach.platform),
                  any_grid=reach.grid_codes)


def _health(uow: UnitOfWork) -> dict[str, Any]:
    latest = {cid: str(h.status) for cid, h in uow.camera_health.latest().items()}
    cameras = camera_states((c.id for c in uow.cameras.all()), latest)
    total = uow.devices.count()
    silent = len({a.device_id for a in uow.alerts.list(status=OPEN_STATUSES, limit=MAX_OPEN_ALERTS)
                  if a.metric == SILENCE_METRIC})
    return {"cameras": cameras, "sensors": {"online": max(total - silent, 0), "silent": silent, "total": total}}


def _hot_spots(uow: UnitOfWork, locator: Locator, principal: Principal, since: datetime,
               until: datetime) -> list[dict[str, Any]]:
    reach = case_reach(principal)
    heat = uow.spatial_stats.heatmap(of=StatsOf.CASES, since=since, until=until, cell_m=HOT_SPOT_CELL_M, reach=Reach(
        platform=None if reach.platform is None else str(reach.platform), any_grid=reach.grid_codes))
    spots = []
    for b in hot_spots(heat.bins):
        path = locator.grid_path(b.lon, b.lat)
        grid = uow.grids.get(path[-1]) if path else None
        spots.append({"lon": b.lon, "lat": b.lat, "count": b.count, "grid_code": grid.code if grid else None,
                      "grid_name": grid.name if grid else None})
    return spots


# ops:read, not assessment:read: the wall shows platforms and grids within the caller's reach; the scores of
# teams and departments (the assessed) stay behind GET /api/assessment.
@router.get("/api/dashboard", response_model=DashboardRead)
def get_dashboard(store: StoreDep, principal: OpsReader, clock: ClockDep, locator: LocatorDep,
                  period: Annotated[DashboardPeriod, Query(description="today, week (ISO, from Monday) or month, "
                                                                       "in Asia/Shanghai, up to now")
                                    ] = DashboardPeriod.TODAY,
                  grid_level: Annotated[int, Query(ge=1, le=12, description="by_grid: grids of this depth")] = 2,
                  ) -> dict[str, Any]:
    """Return the period's received, closed, rates and satisfaction (the assessment's), per platform and grid, by
    day, its top categories and hot spots, the cases open now and the cameras' and sensors' health."""
    since, until = dashboard_bounds(period, now=clock())
    reach = case_reach(principal)
    with store.read_only() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        total = next(n.row for n in _assess(uow, principal, since, until, AssessBy.TOTAL) if n.row.group == TOTAL)
        by_platform = _assess(uow, principal, since, until, AssessBy.PLATFORM)
        by_grid = _assess(uow, principal, since, until, AssessBy.GRID, grid_level)
        trend = []
        for day, start, end in days_between(since, until):
            row = next(n.row for n in _assess(uow, principal, start, end, AssessBy.TOTAL))
            trend.append({"day": day.isoformat(), "received": row.received, "closed": row.closed})
        counts = uow.cases.count_by_category(since=since, until=until, platform=reach.platform,
                                             any_grid=reach.grid_codes)
        taxonomy, _ = active_taxonomy(versions=uow.taxonomy_versions)
        names = {c.code: (c.zh, c.en) for c in taxonomy.subcategories.values()}
        open_now = uow.cases.count(platform=reach.platform, any_grid=reach.grid_codes, queue=OPEN)
        spots = _hot_spots(uow, locator, principal, since, until)
        health = _health(uow)
    return {"period": period, "since": since, "until": until, "timezone": TIMEZONE,
            "totals": {"received": total.received, "closed": total.closed, "closure_rate": total.closure_rate,
                       "on_time_rate": total.on_time_rate, "satisfaction_avg": total.satisfaction_avg,
                       "open": open_now},
            "by_platform": [_row(n) for n in by_platform], "by_grid": [_row(n) for n in by_grid], "trend": trend,
            "top_categories": [dataclasses.asdict(c) for c in top_categories(counts, names)],
            "hot_spots": spots, "health": health}
