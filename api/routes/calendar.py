"""The working calendar: a year's holidays and make-up workdays, loading a year, and due dates."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from api.deps import ClockDep, StoreDep
from api.responses.calendar import CalendarYearRead, DueRead
from api.schemas_calendar import CalendarYearIn
from api.security import CalendarAdmin, OpsReader
from cases.workdays import (
    DEFAULT_OFFICE_HOURS, ScheduleLine, WorkingCalendar, calendar_from_store, check_schedule,
    load_schedule, parse_time_limit,
)
from gis.zone import CHINA_TZ

router = APIRouter(prefix="/api/calendar", tags=["calendar"])

YearPath = Annotated[int, Path(ge=1000, le=9998, description="a year")]


def _calendar(request: Request, uow: Any) -> WorkingCalendar:
    office_hours = getattr(request.app.state, "office_hours", DEFAULT_OFFICE_HOURS)
    return calendar_from_store(repo=uow.work_calendar, office_hours=office_hours)


def _year(calendar: WorkingCalendar, year: int) -> dict[str, Any]:
    schedule = calendar.schedule(year)
    return {"year": year, "source": schedule.source, "fallback": schedule.fallback, "loaded_at": schedule.loaded_at,
            "loaded_by": schedule.loaded_by, "origin": schedule.origin, "note": schedule.note,
            "days": [{"date": d.day, "weekday": d.day.isoweekday(), "kind": calendar.day_kind(d.day), "name": d.name}
                     for d in schedule.days]}


@router.get("/due", response_model=DueRead)
def due(request: Request, store: StoreDep, _who: OpsReader, clock: ClockDep,
        limit: Annotated[str, Query(max_length=16, description="5wd (working days), 2wh (working hours), 1h")],
        start: Annotated[datetime | None, Query(description="ISO time; without offset Beijing time; default now")]
        = None) -> dict[str, Any]:
    """Return when a step started at start with this time limit is due, and the years counted without a schedule."""
    time_limit = parse_time_limit(limit)
    begin = clock() if start is None else start if start.tzinfo else start.replace(tzinfo=CHINA_TZ)
    with store.read_only() as uow:
        calendar = _calendar(request, uow)
    at = time_limit.due(begin, calendar)
    return {"start": begin, "limit": str(time_limit), "due": at, "fallback_years": calendar.fallback_years(begin, at)}


@router.get("/{year}", response_model=CalendarYearRead)
def read_year(request: Request, store: StoreDep, _who: OpsReader, year: YearPath) -> dict[str, Any]:
    """Return the year's holidays and make-up workdays and where they come from (fallback: Monday to Friday)."""
    with store.read_only() as uow:
        calendar = _calendar(request, uow)
    return _year(calendar, year)


@router.put("/{year}", response_model=CalendarYearRead)
def replace_year(request: Request, store: StoreDep, who: CalendarAdmin, clock: ClockDep, year: YearPath,
                 body: CalendarYearIn) -> dict[str, Any]:
    """Load the year's schedule, replacing the one loaded before; 422 names every bad entry (days[i]), none stored."""
    lines = [ScheduleLine(i, d.date, d.kind, d.name) for i, d in enumerate(body.days)]
    schedule = check_schedule(lines, year=year, origin="api", note=body.note, where=f"calendar {year}",
                              label="days[{}]".format)
    with store.unit_of_work() as uow:
        load_schedule(repo=uow.work_calendar, schedule=schedule, loaded_at=clock(), loaded_by=who.actor)
        calendar = _calendar(request, uow)
    request.app.state.case_clock.invalidate()  # committed: new deadlines count by it at once
    return _year(calendar, year)

