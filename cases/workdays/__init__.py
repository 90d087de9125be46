"""The working calendar: State Council holiday schedules, office hours and deadlines in working days."""

from cases.workdays.calendar import MAX_WORKING_DAYS, WorkingCalendar
from cases.workdays.days import CalendarSource, DayKind, EntryKind, SpecialDay, YearSchedule
from cases.workdays.errors import CalendarError, ScheduleInvalid
from cases.workdays.hours import DEFAULT_OFFICE_HOURS, OfficeHours, parse_office_hours
from cases.workdays.limits import (
    REPORTER_FEEDBACK_LIMIT, Hours, TimeLimit, WorkingDays, WorkingHours, parse_time_limit, reporter_feedback_due,
)
from cases.workdays.package import package_schedule

__all__ = [
    "DEFAULT_OFFICE_HOURS", "MAX_WORKING_DAYS", "REPORTER_FEEDBACK_LIMIT", "CalendarError", "CalendarSource", "DayKind",
    "EntryKind", "Hours", "OfficeHours", "ScheduleInvalid", "SpecialDay", "TimeLimit", "WorkingCalendar", "WorkingDays",
    "WorkingHours", "YearSchedule", "package_schedule", "parse_office_hours", "parse_time_limit",
    "reporter_feedback_due",
]
