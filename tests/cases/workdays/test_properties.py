"""Properties of the deadline arithmetic over random instants, against a naive day-by-day count."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from cases.workdays import WorkingCalendar
from gis.zone import CHINA_TZ

CAL = WorkingCalendar()
# 2025 and 2026 come from the package, 2027 from the fallback: the properties hold across the seam.
instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 30)).map(
    lambda d: d.replace(tzinfo=CHINA_TZ))
amounts = st.integers(min_value=0, max_value=200 * 450).map(lambda m: timedelta(minutes=m))  # up to 200 days


@settings(max_examples=300, deadline=None)
@given(instants, amounts)
def test_adding_working_time_then_measuring_it_round_trips(start: datetime, amount: timedelta) -> None:
    assert CAL.working_time_between(start, CAL.add_working_time(start, amount)) == amount


@settings(max_examples=300, deadline=None)
@given(instants, amounts, amounts)
def test_more_working_time_is_never_due_earlier(start: datetime, a: timedelta, b: timedelta) -> None:
    low, high = sorted((a, b))
    assert CAL.add_working_time(start, low) <= CAL.add_working_time(start, high)
    assert CAL.add_working_time(start, low) >= start


@settings(max_examples=300, deadline=None)
@given(instants, instants, instants)
def test_working_time_between_adds_up(a: datetime, b: datetime, c: datetime) -> None:
    assert CAL.working_time_between(a, b) + CAL.working_time_between(b, c) == CAL.working_time_between(a, c)


@settings(max_examples=200, deadline=None)
@given(instants, st.integers(min_value=1, max_value=300))
def test_working_days_match_a_day_by_day_count_and_grow_with_n(start: datetime, n: int) -> None:
    due = CAL.add_working_days(start, n)
    day, counted = start.astimezone(CHINA_TZ).date(), 0
    while counted < n:  # the naive rule: step a day, count it when it is worked
        day += timedelta(days=1)
        counted += CAL.day_kind(day).worked
    assert due.date() == day and (due.hour, due.minute) == (17, 30)
    assert CAL.add_working_days(start, n + 1) > due > start
    assert CAL.is_workday(due.date())


@settings(max_examples=200, deadline=None)
@given(instants)
def test_the_next_working_moment_is_in_office_hours_and_nothing_is_worked_before_it(t: datetime) -> None:
    moment = CAL.next_working_moment(t)
    assert moment >= t and CAL.is_workday(moment.date())
    assert CAL.working_time_between(t, moment) == timedelta(0)
    assert CAL.add_working_time(t, timedelta(minutes=1)) == moment + timedelta(minutes=1) or \
        CAL.working_time_between(moment, moment + timedelta(minutes=1)) < timedelta(minutes=1)


def test_is_workday_agrees_with_day_kind_over_three_years() -> None:
    day = date(2025, 1, 1)
    while day < date(2028, 1, 1):
        assert CAL.is_workday(day) == CAL.day_kind(day).worked, day
        day += timedelta(days=1)
