"""The calendar's use of the store: build the calendar from the loaded years, load a checked year."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from cases.workdays.calendar import WorkingCalendar
from cases.workdays.days import CalendarSource, YearSchedule
from cases.workdays.errors import CalendarError
from cases.workdays.hours import DEFAULT_OFFICE_HOURS, OfficeHours
from cases.workdays.repository import WorkCalendarRepository


def calendar_from_store(*, repo: WorkCalendarRepository,
                        office_hours: OfficeHours = DEFAULT_OFFICE_HOURS) -> WorkingCalendar:
    """Return the working calendar: the store's loaded years over the package's, Monday to Friday beyond."""
    return WorkingCalendar(repo.all_years(), office_hours=office_hours)


def load_schedule(*, repo: WorkCalendarRepository, schedule: YearSchedule, loaded_at: datetime,
                  loaded_by: str) -> YearSchedule:
    """Store a checked schedule (check_schedule) as its year's, replacing what was loaded; return it as stored."""
    if schedule.source is not CalendarSource.LOADED:
        raise CalendarError(f"calendar {schedule.year}: only a checked schedule file can be loaded")
    stored = replace(schedule, loaded_at=loaded_at, loaded_by=loaded_by)
    repo.replace_year(stored)
    return stored
