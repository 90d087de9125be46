"""Report weeks: ISO weeks in Beijing time, Monday 00:00 to the next Monday 00:00 (Asia/Shanghai)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from gis.zone import CHINA_TZ
from reports.errors import WeekError

CURRENT = "current"
WEEK_HELP = "YYYY-Www (ISO week in Asia/Shanghai, e.g. 2026-W48) or current (the last full week)"
_WEEK = re.compile(r"(\d{4})-W(\d{2})")


@dataclass(frozen=True, slots=True)
class ReportWeek:
    """An ISO week: its year and number, and its bounds [since, until) in Beijing time."""

    year: int
    number: int

    @property
    def label(self) -> str:
        """Return the week as 2026-W48."""
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        """Return the week's Monday (Beijing calendar)."""
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def since(self) -> datetime:
        """Return Monday 00:00 Beijing time."""
        return datetime.combine(self.monday, time(), tzinfo=CHINA_TZ)

    @property
    def until(self) -> datetime:
        """Return the next Monday 00:00 Beijing time (the week ends before it)."""
        return datetime.combine(self.monday + timedelta(days=7), time(), tzinfo=CHINA_TZ)

    def days(self) -> list[date]:
        """Return the week's seven days, Monday first."""
        return [self.monday + timedelta(days=i) for i in range(7)]

    def previous(self) -> ReportWeek:
        """Return the week before."""
        return week_of(self.monday - timedelta(days=7))


def week_of(day: date) -> ReportWeek:
    """Return the ISO week a Beijing calendar day falls in."""
    iso = day.isocalendar()
    return ReportWeek(iso.year, iso.week)


def last_full_week(now: datetime) -> ReportWeek:
    """Return the last week that has ended by now (aware): on a Monday, the week that ended at its midnight."""
    if now.tzinfo is None:
        raise WeekError(f"time {now.isoformat()} has no timezone")
    return week_of(now.astimezone(CHINA_TZ).date()).previous()


def parse_week(text: str, *, now: datetime, where: str = "week") -> ReportWeek:
    """Return the week text names (YYYY-Www or current), or raise WeekError saying where and why."""
    value = text.strip()
    if value == CURRENT:
        return last_full_week(now)
    match = _WEEK.fullmatch(value)
    if match is None:
        raise WeekError(f"{where} {text!r}: give {WEEK_HELP}")
    try:
        date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise WeekError(f"{where} {text!r}: year {match[1]} has no ISO week {int(match[2])}") from None
    return ReportWeek(int(match[1]), int(match[2]))
