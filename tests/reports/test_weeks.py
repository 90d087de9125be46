"""Report weeks: ISO weeks bounded by Monday midnights in Beijing time, `current` the last full week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from gis.zone import CHINA_TZ
from reports.errors import WeekError
from reports.weeks import ReportWeek, last_full_week, parse_week

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=CHINA_TZ)


def test_a_week_runs_from_monday_midnight_to_the_next_in_beijing_time() -> None:
    week = parse_week("2026-W48", now=NOW)
    assert week.since == datetime(2026, 11, 23, tzinfo=CHINA_TZ)
    assert week.until == datetime(2026, 11, 30, tzinfo=CHINA_TZ)
    # Sunday 23:59 Beijing is Sunday 15:59 UTC: inside; Monday 00:00 Beijing (Sunday 16:00 UTC) is the next week.
    assert week.since <= datetime(2026, 11, 29, 15, 59, 59, tzinfo=UTC) < week.until
    assert not datetime(2026, 11, 29, 16, 0, tzinfo=UTC) < week.until
    assert week.since.astimezone(UTC) == datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
    assert week.label == "2026-W48" and week.previous().label == "2026-W47"


def test_the_national_day_week_holds_all_seven_days_whatever_the_holiday() -> None:
    # 1 October 2026 is a Thursday: W40 is Monday 28 September to Sunday 4 October, holiday or not.
    week = parse_week("2026-W40", now=NOW)
    assert week.days() == [date(2026, 9, 28) + timedelta(days=i) for i in range(7)]
    assert week.since <= datetime(2026, 10, 1, 10, tzinfo=CHINA_TZ) < week.until
    assert week.until == datetime(2026, 10, 5, tzinfo=CHINA_TZ)


def test_weeks_across_the_new_year_follow_iso() -> None:
    # 1 January 2027 is a Friday: it lies in 2026-W53, which 2026 has.
    assert parse_week("2026-W53", now=NOW).days()[4] == date(2027, 1, 1)
    assert ReportWeek(2027, 1).previous() == ReportWeek(2026, 53)


def test_current_is_the_last_full_week_by_beijing_midnight() -> None:
    # Monday 00:30 Beijing (Sunday 16:30 UTC): the week that just ended.
    assert last_full_week(datetime(2026, 11, 29, 16, 30, tzinfo=UTC)).label == "2026-W48"
    # Sunday 23:30 Beijing: that week has not ended yet.
    assert last_full_week(datetime(2026, 11, 29, 15, 30, tzinfo=UTC)).label == "2026-W47"
    assert parse_week("current", now=datetime(2026, 12, 6, 23, 59, tzinfo=CHINA_TZ)).label == "2026-W48"


@pytest.mark.parametrize(("text", "says"), [
    ("2026-48", "give YYYY-Www"), ("W48", "give YYYY-Www"), ("2026-W5", "give YYYY-Www"),
    ("2025-W53", "has no ISO week 53"), ("2026-W00", "has no ISO week 0"), ("last", "give YYYY-Www"),
])
def test_a_malformed_week_says_what_to_give(text: str, says: str) -> None:
    with pytest.raises(WeekError, match=says) as caught:
        parse_week(text, now=NOW, where="--week")
    assert "--week" in str(caught.value)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(WeekError, match="no timezone"):
        last_full_week(datetime(2026, 11, 30))
