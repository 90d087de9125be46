"""The working calendar: State Council holiday schedules, office hours and deadlines in working days."""

from cases.workdays.calendar import MAX_WORKING_DAYS, WorkingCalendar
from cases.workdays.coverage import WARN_DAYS_BEFORE_NEW_YEAR, CalendarCoverage, coverage, needed_years, source_of
from cases.workdays.days import CalendarSource, DayKind, EntryKind, SpecialDay, YearSchedule
from cases.workdays.errors import CalendarError, ScheduleInvalid
from cases.workdays.hours import DEFAULT_OFFICE_HOURS, OfficeHours, parse_office_hours
from cases.workdays.limits import (
    REPORTER_FEEDBACK_LIMIT, Hours, TimeLimit, WorkingDays, WorkingHours, parse_time_limit, reporter_feedback_due,
)
from cases.workdays.package import package_schedule
from cases.workdays.repository import WorkCalendarRepository
from cases.workdays.schedule_file import ScheduleLine, check_schedule, format_of, read_schedule_text
from cases.workdays.service import calendar_from_store, load_schedule

__all__ = [
    "WARN_DAYS_BEFORE_NEW_YEAR", "CalendarCoverage", "ScheduleLine", "WorkCalendarRepository", "calendar_from_store",
    "check_schedule", "coverage", "format_of", "load_schedule", "needed_years", "read_schedule_text", "source_of",
    "DEFAULT_OFFICE_HOURS", "MAX_WORKING_DAYS", "REPORTER_FEEDBACK_LIMIT", "CalendarError", "CalendarSource", "DayKind",
    "EntryKind", "Hours", "OfficeHours", "ScheduleInvalid", "SpecialDay", "TimeLimit", "WorkingCalendar", "WorkingDays",
    "WorkingHours", "YearSchedule", "package_schedule", "parse_office_hours", "parse_time_limit",
    "reporter_feedback_due",
]
