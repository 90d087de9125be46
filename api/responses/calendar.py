"""Answers about the working calendar: a year's special days and where they come from, a due date."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from api.responses.common import Instant, ReadModel
from cases.workdays import CalendarSource, DayKind


class CalendarDayRead(ReadModel):
    """A day the year's schedule names."""

    date: date
    weekday: Annotated[int, Field(ge=1, le=7, description="ISO weekday: 1 Monday .. 7 Sunday")]
    kind: Annotated[DayKind, Field(description="holiday, makeup_workday (a weekend day worked) or workday")]
    name: str


class CalendarYearRead(ReadModel):
    """A year of the working calendar: its holidays and make-up workdays, and whether it is only a guess."""

    year: int
    source: Annotated[CalendarSource, Field(description="loaded (an admin's file), package (chinese-calendar) or "
                                                        "fallback (Monday to Friday: no schedule known)")]
    fallback: bool
    loaded_at: Instant | None
    loaded_by: str
    origin: str
    note: str
    days: list[CalendarDayRead]


class DueRead(ReadModel):
    """When a step started at start with a time limit is due."""

    start: Instant
    limit: Annotated[str, Field(description="5wd, 2wh or 1h")]
    due: Instant
    fallback_years: Annotated[list[int], Field(description="years the count crossed with no schedule (Monday to "
                                                           "Friday assumed): the due date may be wrong")]


class CalendarHealth(ReadModel):
    """Whether the years deadlines need now have a holiday schedule."""

    status: Annotated[str, Field(description="ok, or fallback while a needed year has none")]
    uncovered_years: list[int]
    sources: Annotated[dict[str, CalendarSource], Field(description="each needed year and where it comes from")]
