"""Which years the calendar knows, and which it only guesses: what /healthz and `calendar check` report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cases.workdays.calendar import WorkingCalendar
from cases.workdays.days import CalendarSource

WARN_DAYS_BEFORE_NEW_YEAR = 60  # the State Council publishes the next year's schedule in October to December


@dataclass(frozen=True, slots=True)
class CalendarCoverage:
    """The years deadlines need now, where each comes from, and those only the Monday-to-Friday fallback covers."""

    sources: dict[int, CalendarSource]

    @property
    def uncovered(self) -> list[int]:
        """Return the needed years without a schedule."""
        return [y for y, s in self.sources.items() if s is CalendarSource.FALLBACK]

    @property
    def status(self) -> str:
        """Return "ok" when every needed year has a schedule, else "fallback"."""
        return "fallback" if self.uncovered else "ok"


def needed_years(today: date, *, warn_days: int = WARN_DAYS_BEFORE_NEW_YEAR) -> list[int]:
    """Return this year, and next year once today is within warn_days of 1 January."""
    next_year = date(today.year + 1, 1, 1)
    return [today.year] + ([today.year + 1] if (next_year - today).days <= warn_days else [])


def coverage(calendar: WorkingCalendar, today: date, *, warn_days: int = WARN_DAYS_BEFORE_NEW_YEAR) -> CalendarCoverage:
    """Return where the calendar of each year deadlines need today comes from."""
    return CalendarCoverage({y: calendar.source(y) for y in needed_years(today, warn_days=warn_days)})
