"""Named periods as [since, until) in Beijing time: weeks, months, years, days and the ones relative to now."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cases.periods import PeriodError, parse_period
from gis.zone import CHINA_TZ

# 17:30 UTC on 30 November is 01:30 on 1 December in Beijing: "this month" there is December.
NOW = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)


def _cst(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHINA_TZ)


@pytest.mark.parametrize(("text", "since", "until"), [
    ("2026-W48", _cst(2026, 11, 23), _cst(2026, 11, 30)),
    ("2026-W01", _cst(2025, 12, 29), _cst(2026, 1, 5)),  # ISO week 1 of 2026 starts in 2025
    ("2026-11", _cst(2026, 11, 1), _cst(2026, 12, 1)),
    ("2026-12", _cst(2026, 12, 1), _cst(2027, 1, 1)),
    ("2026", _cst(2026, 1, 1), _cst(2027, 1, 1)),
    ("2026-10-01", _cst(2026, 10, 1), _cst(2026, 10, 2)),
    ("today", _cst(2026, 12, 1), _cst(2026, 12, 2)),
    ("yesterday", _cst(2026, 11, 30), _cst(2026, 12, 1)),
    ("this_week", _cst(2026, 11, 30), _cst(2026, 12, 7)),
    ("last_week", _cst(2026, 11, 23), _cst(2026, 11, 30)),
    ("this_month", _cst(2026, 12, 1), _cst(2027, 1, 1)),
    ("last_month", _cst(2026, 11, 1), _cst(2026, 12, 1)),
    ("this_year", _cst(2026, 1, 1), _cst(2027, 1, 1)),
])
def test_named_periods_are_beijing_days(text: str, since: datetime, until: datetime) -> None:
    assert parse_period(text, now=NOW) == (since, until)


def test_last_month_in_january_is_last_december() -> None:
    assert parse_period("last_month", now=_cst(2027, 1, 15, 9)) == (_cst(2026, 12, 1), _cst(2027, 1, 1))


@pytest.mark.parametrize(("text", "says"), [
    ("2026-13", "no such day, week or month"), ("2026-W54", "no such day"), ("2026-02-30", "no such day"),
    ("0000", "no such day"), ("9999", "no such day"), ("Nov 2026", "give YYYY"), ("", "give YYYY"),
    ("2026-W4", "give YYYY"), ("next_month", "give YYYY"),
])
def test_bad_periods_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(PeriodError, match=says) as caught:
        parse_period(text, now=NOW, where="query parameter period")
    assert "query parameter period" in str(caught.value)
