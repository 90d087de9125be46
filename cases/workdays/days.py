"""What a day is in the working calendar, and a year's schedule of special days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class DayKind(StrEnum):
    """How a day counts: worked or not, and why."""

    WORKDAY = "workday"                # an ordinary Monday to Friday
    HOLIDAY = "holiday"                # 法定节假日 / 调休休息: a day off under the schedule
    MAKEUP_WORKDAY = "makeup_workday"  # 调休上班: a weekend day worked to pay for a holiday
    WEEKEND = "weekend"                # an ordinary Saturday or Sunday

    @property
    def worked(self) -> bool:
        """Return whether deadlines count this day."""
        return self in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)


class EntryKind(StrEnum):
    """What a schedule file says of a day: off (holiday) or worked (workday, on a weekend)."""

    HOLIDAY = "holiday"
    WORKDAY = "workday"


class CalendarSource(StrEnum):
    """Where the calendar of a year comes from, in order of precedence."""

    LOADED = "loaded"      # a schedule an admin loaded into the store (the State Council's notice)
    PACKAGE = "package"    # the chinese-calendar package's data
    FALLBACK = "fallback"  # nothing known: Monday to Friday, callers should warn


@dataclass(frozen=True, slots=True)
class SpecialDay:
    """One day a schedule names: a holiday, or a weekend day worked (调休上班)."""

    day: date
    kind: EntryKind
    name: str = ""


@dataclass(frozen=True, slots=True)
class YearSchedule:
    """A year's special days and where they come from; every day it does not name is Monday to Friday."""

    year: int
    days: tuple[SpecialDay, ...]
    source: CalendarSource
    loaded_at: datetime | None = None
    loaded_by: str = ""
    origin: str = ""  # the file or channel the schedule came from
    note: str = ""

    @property
    def fallback(self) -> bool:
        """Return whether this year is only the Monday-to-Friday guess."""
        return self.source is CalendarSource.FALLBACK


def plain_kind(day: date) -> DayKind:
    """Return the kind of a day no schedule names: weekend on Saturday and Sunday, workday otherwise."""
    return DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY


def kind_of(day: date, entry: EntryKind | None) -> DayKind:
    """Return the kind of a day given what its schedule says of it (None: nothing)."""
    if entry is None:
        return plain_kind(day)
    if entry is EntryKind.HOLIDAY:
        return DayKind.HOLIDAY
    return DayKind.MAKEUP_WORKDAY if day.weekday() >= 5 else DayKind.WORKDAY
