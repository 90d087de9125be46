"""Which years the calendar knows, and which it only guesses: what /healthz and `calendar check` report."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from cases.workdays.days import CalendarSource, YearSchedule
from cases.workdays.package import package_schedule

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


def source_of(year: int, loaded: Collection[int], *,
              package: Callable[[int], YearSchedule | None] = package_schedule) -> CalendarSource:
    """Return where year's calendar comes from, given the years loaded into the store."""
    if year in loaded:
        return CalendarSource.LOADED
    return CalendarSource.PACKAGE if package(year) is not None else CalendarSource.FALLBACK


def coverage(loaded: Collection[int], today: date, *, warn_days: int = WARN_DAYS_BEFORE_NEW_YEAR,
             package: Callable[[int], YearSchedule | None] = package_schedule) -> CalendarCoverage:
    """Return where the calendar of each year deadlines need on today comes from (loaded: the store's years)."""
    return CalendarCoverage({y: source_of(y, loaded, package=package) for y in needed_years(today, warn_days=warn_days)})
