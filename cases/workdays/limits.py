"""Time limits of a step (受理、派遣、处置、反馈): in working days, working hours, or round-the-clock hours."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from cases.workdays.calendar import MAX_WORKING_DAYS, WorkingCalendar
from cases.workdays.errors import CalendarError


@dataclass(frozen=True, slots=True)
class WorkingDays:
    """Due at the close of business of the n-th working day after the start's day ("5个工作日内")."""

    days: int

    def __post_init__(self) -> None:
        if isinstance(self.days, bool) or not isinstance(self.days, int) or not 1 <= self.days <= MAX_WORKING_DAYS:
            raise CalendarError(f"time limit: working days {self.days!r} must be a whole number 1..{MAX_WORKING_DAYS}")

    def due(self, start: datetime, calendar: WorkingCalendar) -> datetime:
        """Return when a step started at start is due."""
        return calendar.add_working_days(start, self.days)

    def __str__(self) -> str:
        return f"{self.days}wd"


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """Due once this many office hours of working days have passed (the clock stops at night and on holidays)."""

    hours: float

    def __post_init__(self) -> None:
        if not (isinstance(self.hours, int | float) and not isinstance(self.hours, bool)
                and 0 < self.hours <= MAX_WORKING_DAYS * 24):
            raise CalendarError(f"time limit: working hours {self.hours!r} must be a number > 0")

    def due(self, start: datetime, calendar: WorkingCalendar) -> datetime:
        """Return when a step started at start is due."""
        return calendar.add_working_hours(start, self.hours)

    def __str__(self) -> str:
        return f"{_number(self.hours)}wh"


@dataclass(frozen=True, slots=True)
class Hours:
    """Due this many hours later, day and night (urgent matters: a gas leak does not wait for Monday)."""

    hours: float

    def __post_init__(self) -> None:
        if not (isinstance(self.hours, int | float) and not isinstance(self.hours, bool)
                and 0 < self.hours <= MAX_WORKING_DAYS * 24):
            raise CalendarError(f"time limit: hours {self.hours!r} must be a number > 0")

    def due(self, start: datetime, calendar: WorkingCalendar) -> datetime:
        """Return when a step started at start is due (the calendar only supplies the time zone)."""
        if start.tzinfo is None or start.utcoffset() is None:
            raise CalendarError(f"calendar: start {start.isoformat()} has no time zone")
        return (start + timedelta(hours=self.hours)).astimezone(calendar.tz)

    def __str__(self) -> str:
        return f"{_number(self.hours)}h"


TimeLimit = WorkingDays | WorkingHours | Hours

# The feedback to the reporter: "对当事人和信息报送人，要在5个工作日内反馈问题解决情况" (seed 003).
REPORTER_FEEDBACK_LIMIT = WorkingDays(5)

_LIMIT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(wd|wh|h)\s*$", re.IGNORECASE)


def parse_time_limit(text: str) -> TimeLimit:
    """Return the limit written as "5wd" (working days), "2wh" (working hours) or "1h" (hours, round the clock)."""
    match = _LIMIT.match(text) if isinstance(text, str) else None
    if match is None:
        raise CalendarError(f"time limit {text!r}: write a number and a unit: 5wd (working days), "
                            "2wh (working hours), 1h (hours, round the clock)")
    number, unit = float(match[1]), match[2].lower()
    if unit == "wd":
        if not number.is_integer():
            raise CalendarError(f"time limit {text!r}: working days must be whole")
        return WorkingDays(int(number))
    return WorkingHours(number) if unit == "wh" else Hours(number)


def reporter_feedback_due(reported_at: datetime, calendar: WorkingCalendar) -> datetime:
    """Return when the reporter must have heard back: 5 working days after the report (seed 003)."""
    return REPORTER_FEEDBACK_LIMIT.due(reported_at, calendar)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and not math.isinf(value) else str(value)
