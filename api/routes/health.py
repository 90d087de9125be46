"""Health: is the store up, and what has the system seen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from alerts.models import OPEN_STATUSES as OPEN_ALERT_STATUSES
from api.deps import ClockDep, StoreDep
from api.responses import HealthRead, HealthUnavailable
from cases.lifecycle import FINISHED
from cases.models import CaseStatus
from cases.workdays import WARN_DAYS_BEFORE_NEW_YEAR, coverage
from gis.zone import CHINA_TZ

router = APIRouter(tags=["health"])

# The command room's day begins at midnight Beijing time.
LOCAL_TZ = CHINA_TZ  # kept for callers of this module; the definition is gis.zone's
OPEN_STATUSES = tuple(s for s in CaseStatus if s not in FINISHED)


def start_of_local_day(now: datetime) -> datetime:
    """Return midnight Asia/Shanghai of the day that holds now."""
    return now.astimezone(LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0)


@router.get("/healthz", response_model=HealthRead,
            responses={503: {"model": HealthUnavailable, "description": "The store does not answer"}})
def healthz(request: Request, store: StoreDep, clock: ClockDep) -> dict[str, Any] | JSONResponse:
    """Return ok with counts when the store answers, 503 otherwise."""
    # Every page asks every few seconds: each figure is an index lookup, never a count of a growing table.
    try:
        with store.read_only() as uow:
            newest = uow.readings.newest_at()
            counts = {
                "open_cases": sum(uow.cases.count(status=s) for s in OPEN_STATUSES),
                "dispatched": uow.cases.count(status=CaseStatus.DISPATCHED),
                "alerts_today": uow.alerts.count(raised_since=start_of_local_day(clock())),
                "open_alerts": uow.alerts.count(status=OPEN_ALERT_STATUSES),  # not cleared
                "dead_letters": uow.dead_letters.count(),
            }
            loaded = uow.work_calendar.loaded_years()
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy, and the body says which
        return JSONResponse({"status": "unavailable", "store": store.name, "detail": str(exc)}, status_code=503)
    stats = getattr(request.app.state, "ingest_stats", None)
    # Deadlines count working days: without this year's (or, near its end, next year's) holiday schedule they
    # are counted Monday to Friday, and the page shows a banner until an admin loads it.
    warn_days = getattr(request.app.state, "calendar_warn_days", WARN_DAYS_BEFORE_NEW_YEAR)
    known = coverage(loaded, clock().astimezone(CHINA_TZ).date(), warn_days=warn_days)
    calendar = {"status": known.status, "uncovered_years": known.uncovered,
                "sources": {str(y): s for y, s in known.sources.items()}}
    return {"status": "ok", "store": store.name, "counts": counts, "calendar": calendar,
            "last_reading_at": newest.isoformat() if newest else None, "ingest": stats.snapshot() if stats else None}
