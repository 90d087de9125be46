"""A year's schedule from CSV and YAML: every bad line named, nothing accepted from a file with one."""

from __future__ import annotations

from datetime import date

import pytest

from cases.workdays import EntryKind, ScheduleInvalid, package_schedule
from cases.workdays.schedule_file import check_schedule, read_schedule_text, schedule_lines

GOOD_CSV = """date,kind,name
# an example, not the State Council's notice
2027-10-01,holiday,国庆节
2027-10-04,holiday,国庆节
2027-09-26,workday,国庆节
"""


def test_a_good_csv_reads_with_its_lines_sorted_by_day() -> None:
    lines, _ = read_schedule_text(GOOD_CSV, fmt="csv")
    assert [line.line for line in lines] == [3, 4, 5]
    schedule = check_schedule(lines)
    assert schedule.year == 2027
    assert [(d.day, d.kind) for d in schedule.days] == [
        (date(2027, 9, 26), EntryKind.WORKDAY), (date(2027, 10, 1), EntryKind.HOLIDAY),
        (date(2027, 10, 4), EntryKind.HOLIDAY)]


def test_a_good_yaml_reads_with_its_note() -> None:
    text = "year: 2027\nnote: example\ndays:\n  - {date: 2027-10-01, kind: holiday, name: 国庆节}\n" \
           "  - date: 2027-09-26\n    kind: workday\n"
    lines, note = read_schedule_text(text, fmt="yaml")
    assert note == "example" and [line.line for line in lines] == [4, 5]
    assert len(check_schedule(lines, year=2027).days) == 2


def _problems(text: str, fmt: str = "csv", year: int | None = None) -> list[str]:
    with pytest.raises(ScheduleInvalid) as caught:
        lines, _ = read_schedule_text(text, fmt=fmt)
        check_schedule(lines, year=year)
    return caught.value.problems


def test_every_bad_line_is_named() -> None:
    problems = _problems("date,kind,name\n2027-10-01,holiday,国庆节\n2027-13-01,holiday,x\n2027-10-01,holiday,again\n"
                         "2028-01-03,holiday,x\n2027-10-06,workday,x\n2027-06-05,workday,x\n2027-10-02,off,x\n")
    assert problems == [
        "line 3: date '2027-13-01' is no YYYY-MM-DD date",
        "line 4: 2027-10-01 is already on line 2",
        "line 5: 2028-01-03 is not in 2027",
        "line 6: workday 2027-10-06 is a Wednesday, already worked; only a Saturday or Sunday can be a make-up workday",
        "line 7: make-up workday 2027-06-05 is more than 14 days from every holiday of the file",
        "line 8: kind 'off' must be holiday or workday",
        "file: 2 make-up workdays pay for only 1 holidays on weekdays",
    ]


def test_the_year_given_wins_and_more_makeups_than_weekday_holidays_is_refused() -> None:
    assert _problems(GOOD_CSV, year=2028)[0] == "line 3: 2027-10-01 is not in 2028"
    problems = _problems("2027-10-02,holiday,国庆节\n2027-10-03,holiday,国庆节\n2027-10-09,workday,国庆节\n")
    assert problems == ["file: 1 make-up workdays pay for only 0 holidays on weekdays"]


@pytest.mark.parametrize(("text", "fmt", "expected"), [
    ("", "csv", "file: no days"),
    ("2027-10-01\n", "csv", "line 1: expected date,kind,name but found 1 fields"),
    ("days: [1, 2]\n", "yaml", "line 1: expected date, kind and name"),
    ("- {date: 2027-10-01, kind: holiday, colour: red}\n", "yaml", "line 1: expected date, kind and name (unknown colour)"),
    ("year: 2027\ncountry: cn\n", "yaml", "line 1: unknown keys country (expected year, note, days)"),
    ("days: [\n", "yaml", "not YAML"),
    ("just text\n", "yaml", "expected a list of days"),
])
def test_bad_structure_is_refused_with_where(text: str, fmt: str, expected: str) -> None:
    assert expected in _problems(text, fmt)[0]


@pytest.mark.parametrize("year", range(2004, 2027))
def test_every_schedule_the_package_knows_passes_the_checks(year: int) -> None:
    schedule = package_schedule(year)
    assert schedule is not None
    assert check_schedule(schedule_lines(schedule)).days == schedule.days
