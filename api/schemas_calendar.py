"""Request bodies of the calendar routes: a year's holiday schedule."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.schemas import Strict

MAX_DAYS = 366


class CalendarDayIn(Strict):
    """One day the State Council's notice names."""

    date: Annotated[str, Field(max_length=10, description="YYYY-MM-DD, in the year of the path")]
    kind: Annotated[str, Field(max_length=16, description="holiday (a day off) or workday (a Saturday or Sunday "
                                                          "worked, 调休上班)")]
    name: Annotated[str, Field(max_length=100, description="the festival, e.g. 国庆节")] = ""


class CalendarYearIn(Strict):
    """A year's whole schedule; it replaces the year's loaded one. Days it does not name are Monday to Friday."""

    note: Annotated[str, Field(max_length=500, description="where it comes from (the notice's number)")] = ""
    days: Annotated[list[CalendarDayIn], Field(min_length=1, max_length=MAX_DAYS)]
