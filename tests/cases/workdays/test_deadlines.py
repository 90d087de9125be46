"""Deadlines under the State Council's 2026 schedule, a loaded schedule and the Monday-to-Friday fallback."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from cases.workdays import (
    CalendarError, CalendarSource, DayKind, EntryKind, Hours, SpecialDay, WorkingCalendar, WorkingDays, WorkingHours,
    YearSchedule, parse_office_hours, parse_time_limit, reporter_feedback_due,
)
from gis.zone import CHINA_TZ


def bj(*args: int) -> datetime:
    """Return a Beijing wall time."""
    return datetime(*args, tzinfo=CHINA_TZ)


CAL = WorkingCalendar()


def test_the_2026_national_day_and_mid_autumn_days_come_from_the_package() -> None:
    assert CAL.source(2026) is CalendarSource.PACKAGE
    off = [date(2026, 9, 25)] + [date(2026, 10, d) for d in range(1, 8)]
    assert all(CAL.day_kind(d) is DayKind.HOLIDAY for d in off)
    assert CAL.day_kind(date(2026, 9, 20)) is DayKind.MAKEUP_WORKDAY   # Sunday worked
    assert CAL.day_kind(date(2026, 10, 10)) is DayKind.MAKEUP_WORKDAY  # Saturday worked
    assert CAL.day_kind(date(2026, 10, 11)) is DayKind.WEEKEND
    assert CAL.day_kind(date(2026, 10, 8)) is DayKind.WORKDAY
    assert CAL.is_workday(date(2026, 10, 10)) and not CAL.is_workday(date(2026, 10, 5))


def test_a_case_reported_on_the_eve_of_national_day_is_due_after_the_holiday_counting_the_makeup_saturday() -> None:
    # Working days after 30 Sep: 8, 9, 10 (Saturday, worked), 12, 13 October.
    for hour in (9, 16, 23):
        assert reporter_feedback_due(bj(2026, 9, 30, hour), CAL) == bj(2026, 10, 13, 17, 30)
    # Reported on the holiday itself: the first day that counts is 8 October too.
    assert reporter_feedback_due(bj(2026, 10, 3, 11), CAL) == bj(2026, 10, 13, 17, 30)
    assert WorkingDays(3).due(bj(2026, 9, 30, 16), CAL) == bj(2026, 10, 10, 17, 30)


def test_the_day_of_the_report_does_not_count_and_utc_input_is_read_in_beijing() -> None:
    # 2026-11-23 is a Monday; 23:30 UTC on Sunday 22nd is already Monday 07:30 in Beijing.
    assert CAL.add_working_days(bj(2026, 11, 23, 8), 1) == bj(2026, 11, 24, 17, 30)
    assert CAL.add_working_days(datetime.fromisoformat("2026-11-22T23:30:00+00:00"), 1) == bj(2026, 11, 24, 17, 30)
    assert CAL.add_working_days(bj(2026, 11, 27, 18), 1) == bj(2026, 11, 30, 17, 30)  # Friday evening -> Monday


def test_working_hours_stop_for_lunch_nights_weekends_and_holidays() -> None:
    assert CAL.add_working_hours(bj(2026, 11, 23, 11), 2) == bj(2026, 11, 23, 14, 30)  # 11-12, 13:30-14:30
    assert CAL.add_working_hours(bj(2026, 11, 23, 12, 30), 1) == bj(2026, 11, 23, 14, 30)  # lunch does not count
    assert CAL.add_working_hours(bj(2026, 11, 27, 17), 1) == bj(2026, 11, 30, 9)  # Friday -> Monday
    assert CAL.add_working_hours(bj(2026, 9, 30, 16), 3) == bj(2026, 10, 8, 10)  # across the whole holiday
    assert CAL.add_working_hours(bj(2026, 11, 23, 8, 30), 3.5) == bj(2026, 11, 23, 12)  # ends at lunch, not after
    assert CAL.add_working_hours(bj(2026, 11, 23, 8, 30), 7.5) == bj(2026, 11, 23, 17, 30)  # a whole day
    assert CAL.working_hours_between(bj(2026, 11, 23, 11), bj(2026, 11, 24, 9)) == 5.5  # 1 + 4 + 0.5
    assert CAL.working_hours_between(bj(2026, 9, 30, 17), bj(2026, 10, 8, 9)) == 1.0
    assert CAL.working_hours_between(bj(2026, 11, 24, 9), bj(2026, 11, 23, 11)) == -5.5
    assert CAL.working_hours_between(bj(2026, 10, 2), bj(2026, 10, 6)) == 0.0


def test_next_working_moment() -> None:
    assert CAL.next_working_moment(bj(2026, 11, 23, 9, 15)) == bj(2026, 11, 23, 9, 15)
    assert CAL.next_working_moment(bj(2026, 11, 23, 12, 5)) == bj(2026, 11, 23, 13, 30)
    assert CAL.next_working_moment(bj(2026, 11, 23, 7)) == bj(2026, 11, 23, 8, 30)
    assert CAL.next_working_moment(bj(2026, 11, 23, 17, 30)) == bj(2026, 11, 24, 8, 30)
    assert CAL.next_working_moment(bj(2026, 10, 1, 10)) == bj(2026, 10, 8, 8, 30)
    assert CAL.next_working_moment(bj(2026, 10, 9, 18)) == bj(2026, 10, 10, 8, 30)  # the make-up Saturday


def test_a_year_without_schedule_falls_back_to_monday_to_friday_and_says_so() -> None:
    assert CAL.source(2027) is CalendarSource.FALLBACK and CAL.schedule(2027).fallback
    assert CAL.day_kind(date(2027, 10, 1)) is DayKind.WORKDAY  # a Friday: no one knows the holiday yet
    assert CAL.day_kind(date(2027, 10, 2)) is DayKind.WEEKEND
    assert CAL.add_working_days(bj(2027, 9, 30, 10), 2) == bj(2027, 10, 4, 17, 30)
    assert CAL.fallback_years(bj(2026, 12, 28), CAL.add_working_days(bj(2026, 12, 28), 5)) == [2027]
    assert CAL.fallback_years(date(2026, 1, 1), date(2026, 12, 31)) == []


def test_a_loaded_schedule_overrides_the_package() -> None:
    # An admin corrects 2026: say 9 October becomes a holiday and 11 October (Sunday) a make-up workday.
    days = tuple(d for d in CAL.schedule(2026).days) + (
        SpecialDay(date(2026, 10, 9), EntryKind.HOLIDAY, "国庆节"), SpecialDay(date(2026, 10, 11), EntryKind.WORKDAY, "国庆节"))
    loaded = YearSchedule(2026, days, CalendarSource.LOADED)
    cal = WorkingCalendar([loaded])
    assert cal.source(2026) is CalendarSource.LOADED
    assert cal.day_kind(date(2026, 10, 9)) is DayKind.HOLIDAY
    assert cal.day_kind(date(2026, 10, 11)) is DayKind.MAKEUP_WORKDAY
    assert reporter_feedback_due(bj(2026, 9, 30, 16), cal) == bj(2026, 10, 13, 17, 30)  # 8, 10, 11, 12, 13 (9th off)
    assert WorkingDays(2).due(bj(2026, 9, 30, 16), cal) == bj(2026, 10, 10, 17, 30)  # the 9th no longer counts
    # And a loaded 2027 takes the year out of the fallback.
    cal27 = WorkingCalendar({2027: YearSchedule(2027, (SpecialDay(date(2027, 10, 1), EntryKind.HOLIDAY),),
                                                CalendarSource.LOADED)})
    assert cal27.source(2027) is CalendarSource.LOADED and not cal27.is_workday(date(2027, 10, 1))
    assert cal27.fallback_years(date(2027, 1, 1), date(2027, 12, 31)) == []


def test_time_limits_parse_print_and_fall_due() -> None:
    assert parse_time_limit("5wd") == WorkingDays(5) and str(WorkingDays(5)) == "5wd"
    assert parse_time_limit(" 2WH ") == WorkingHours(2.0) and str(WorkingHours(2)) == "2wh"
    assert parse_time_limit("1.5h") == Hours(1.5) and str(Hours(1)) == "1h"
    # Round the clock: an urgent matter at 23:00 on a holiday is due at 00:30.
    assert Hours(1.5).due(bj(2026, 10, 2, 23), CAL) == bj(2026, 10, 3, 0, 30)
    assert WorkingHours(2).due(bj(2026, 10, 2, 23), CAL) == bj(2026, 10, 8, 10, 30)


@pytest.mark.parametrize("text", ["", "5", "5d", "-1wd", "1.5wd", "0wd", "0h", "abc", "99999wd"])
def test_bad_time_limits_are_refused_with_the_text(text: str) -> None:
    with pytest.raises(CalendarError, match="time limit"):
        parse_time_limit(text)


def test_naive_times_and_bad_amounts_are_refused() -> None:
    with pytest.raises(CalendarError, match="no time zone"):
        CAL.add_working_days(datetime(2026, 10, 1, 9), 1)
    with pytest.raises(CalendarError, match="working days"):
        CAL.add_working_days(bj(2026, 10, 1), -1)
    with pytest.raises(CalendarError, match="working hours"):
        CAL.add_working_hours(bj(2026, 10, 1), float("nan"))
    with pytest.raises(CalendarError, match="negative"):
        CAL.add_working_time(bj(2026, 10, 1), timedelta(hours=-1))


def test_office_hours_are_configurable_and_checked() -> None:
    summer = WorkingCalendar(office_hours=parse_office_hours("08:30-12:00,14:00-17:30"))
    assert summer.add_working_hours(bj(2026, 7, 6, 11), 2) == bj(2026, 7, 6, 15)
    assert summer.add_working_days(bj(2026, 7, 6, 11), 1) == bj(2026, 7, 7, 17, 30)
    round_the_clock = WorkingCalendar(office_hours=parse_office_hours("00:00-24:00"))
    assert round_the_clock.working_hours_between(bj(2026, 11, 23), bj(2026, 11, 25)) == 48.0
    for bad in ("08:30", "12:00-08:30", "08:00-12:00,11:00-13:00", "8h-9h", ""):
        with pytest.raises(CalendarError, match="office hours"):
            parse_office_hours(bad)
