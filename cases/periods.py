"""Named periods people ask reports for (2026-W48, 2026-11, 2026, today, this_week ...), as instants in Beijing time."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from cases.errors import CaseError
from gis.zone import CHINA_TZ

PERIOD_HELP = ("YYYY, YYYY-MM, YYYY-Www (ISO week), YYYY-MM-DD, today, yesterday, this_week, last_week, this_month,"
               " last_month or this_year (Asia/Shanghai)")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR = re.compile(r"(\d{4})")


class PeriodError(CaseError):
    """A period that is not one of the forms PERIOD_HELP lists, or names no real day, week or month."""


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=CHINA_TZ)


def _month(year: int, month: int) -> tuple[datetime, datetime]:
    start = date(year, month, 1)
    after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return _midnight(start), _midnight(after)


def _week_of(day: date) -> tuple[datetime, datetime]:
    monday = day - timedelta(days=day.weekday())
    return _midnight(monday), _midnight(monday + timedelta(days=7))


def _relative(text: str, today: date) -> tuple[datetime, datetime] | None:
    if text == "today":
        return _midnight(today), _midnight(today + timedelta(days=1))
    if text == "yesterday":
        return _midnight(today - timedelta(days=1)), _midnight(today)
    if text == "this_week":
        return _week_of(today)
    if text == "last_week":
        return _week_of(today - timedelta(days=7))
    if text == "this_month":
        return _month(today.year, today.month)
    if text == "last_month":
        return _month(today.year - 1, 12) if today.month == 1 else _month(today.year, today.month - 1)
    if text == "this_year":
        return _midnight(date(today.year, 1, 1)), _midnight(date(today.year + 1, 1, 1))
    return None


def parse_period(text: str, *, now: datetime, where: str = "period") -> tuple[datetime, datetime]:
    """Return [since, until) of a named period in Beijing time; now (aware) anchors today, this_week and the like."""
    value = text.strip()
    relative = _relative(value, now.astimezone(CHINA_TZ).date())
    if relative is not None:
        return relative
    try:
        if match := _WEEK.fullmatch(value):
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            return _week_of(monday)
        if match := _MONTH.fullmatch(value):
            return _month(int(match[1]), int(match[2]))
        if match := _YEAR.fullmatch(value):
            return _midnight(date(int(match[1]), 1, 1)), _midnight(date(int(match[1]) + 1, 1, 1))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = date.fromisoformat(value)
            return _midnight(day), _midnight(day + timedelta(days=1))
    except ValueError as exc:
        raise PeriodError(f"{where} {text!r}: no such day, week or month ({exc})") from None
    raise PeriodError(f"{where} {text!r}: give {PERIOD_HELP}")
