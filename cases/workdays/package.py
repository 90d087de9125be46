"""The chinese-calendar package's State Council schedules, as YearSchedules."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from cases.workdays.days import CalendarSource, EntryKind, SpecialDay, YearSchedule

# The package names holidays in English; people here read them in Chinese.
_CHINESE = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节", "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@lru_cache(maxsize=64)
def package_schedule(year: int) -> YearSchedule | None:
    """Return the package's schedule of year, or None when the package has no data for it."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except (NotImplementedError, ValueError, OverflowError):
        return None
    days: list[SpecialDay] = []
    day = date(year, 1, 1)
    while day.year == year:
        # A holiday is any day off the package names (weekend days of a holiday span included); a workday is
        # a weekend day it makes worked. Ordinary weekdays and weekends are left to the plain rule.
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if on_holiday and name:
            days.append(SpecialDay(day, EntryKind.HOLIDAY, _CHINESE.get(name, name)))
        elif not on_holiday and day.weekday() >= 5:
            days.append(SpecialDay(day, EntryKind.WORKDAY, _CHINESE.get(name or "", name or "")))
        day += timedelta(days=1)
    return YearSchedule(year=year, days=tuple(days), source=CalendarSource.PACKAGE, origin="chinese-calendar")
