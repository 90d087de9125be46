"""Reading and checking a year's holiday schedule from CSV, YAML or an API body: every line, all or nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import yaml

from cases.workdays.days import CalendarSource, EntryKind, SpecialDay, YearSchedule
from cases.workdays.errors import ScheduleInvalid

MAKEUP_REACH_DAYS = 14  # a make-up Saturday or Sunday lies within two weeks of the holiday it pays for (2004-2026)
MAX_NAME = 100
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    """One entry as written, before checking: where it was (line number or index) and its three fields."""

    line: int
    date: str
    kind: str
    name: str = ""


def read_schedule_text(text: str, *, fmt: str) -> tuple[list[ScheduleLine], str]:
    """Return the entries of a "csv" or "yaml" schedule and its note (YAML's note:), refusing bad structure."""
    if fmt == "csv":
        return _read_csv(text), ""
    if fmt == "yaml":
        return _read_yaml(text)
    raise ScheduleInvalid([f"format {fmt!r}: use csv or yaml"])


def format_of(filename: str) -> str:
    """Return "csv" or "yaml" from a file name's extension."""
    lower = filename.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    raise ScheduleInvalid([f"{filename}: name the file .csv, .yaml or .yml"])


def _read_csv(text: str) -> list[ScheduleLine]:
    lines: list[ScheduleLine] = []
    problems: list[str] = []
    for number, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in row]
        if not lines and not problems and cells[0].lower() == "date":
            continue  # the header
        if len(cells) not in (2, 3):
            problems.append(f"line {number}: expected date,kind,name but found {len(cells)} fields")
            continue
        lines.append(ScheduleLine(number, cells[0], cells[1], cells[2] if len(cells) == 3 else ""))
    if problems:
        raise ScheduleInvalid(problems)
    return lines


def _read_yaml(text: str) -> tuple[list[ScheduleLine], str]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        raise ScheduleInvalid([f"{where}: not YAML ({getattr(exc, 'problem', None) or exc})"]) from None
    note = ""
    days = root
    if isinstance(root, yaml.MappingNode):
        fields = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
        unknown = sorted(set(fields) - {"year", "note", "days"})
        if unknown:
            raise ScheduleInvalid([f"line {root.start_mark.line + 1}: unknown keys {', '.join(unknown)} "
                                   "(expected year, note, days)"])
        note_node = fields.get("note")
        note = note_node.value if isinstance(note_node, yaml.ScalarNode) else ""
        days = fields.get("days")
    if not isinstance(days, yaml.SequenceNode):
        raise ScheduleInvalid(["file: expected a list of days (date, kind, name), or days: with that list"])
    lines: list[ScheduleLine] = []
    problems: list[str] = []
    for item in days.value:
        number = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append(f"line {number}: expected date, kind and name")
            continue
        fields = {k.value: v.value for k, v in item.value
                  if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)}
        unknown = sorted(set(fields) - {"date", "kind", "name"})
        if unknown or "date" not in fields or "kind" not in fields:
            problems.append(f"line {number}: expected date, kind and name"
                            + (f" (unknown {', '.join(unknown)})" if unknown else ""))
            continue
        lines.append(ScheduleLine(number, str(fields["date"]), str(fields["kind"]), str(fields.get("name", ""))))
    if problems:
        raise ScheduleInvalid(problems)
    return lines, note


def check_schedule(lines: Sequence[ScheduleLine], *, year: int | None = None, origin: str = "", note: str = "",
                   where: str = "schedule", label: Callable[[int], str] = "line {}".format) -> YearSchedule:
    """Return the checked schedule of one year, or raise ScheduleInvalid naming every bad line.

    Dates must be real and in the year (given, or that of the first date), none twice; a workday entry
    must be a Saturday or Sunday within two weeks of a holiday (or of the year's edge, for the next
    New Year); there are no more make-up workdays than holidays on weekdays. A holiday may fall on a
    weekend (a festival on a Sunday is named, and off anyway: 2015's Mid-Autumn Festival). label turns a
    line number into the words that name it ("line 4", or "days[3]" for an API body).
    """
    found: list[tuple[int, str]] = []

    def problem(number: int, text: str) -> None:
        found.append((number, f"{label(number)}: {text}"))

    parsed: list[tuple[ScheduleLine, date, EntryKind]] = []
    seen: dict[date, int] = {}
    for line in lines:
        try:
            day = date.fromisoformat(line.date.strip())
        except ValueError:
            problem(line.line, f"date {line.date!r} is no YYYY-MM-DD date")
            continue
        try:
            kind = EntryKind(line.kind.strip().lower())
        except ValueError:
            problem(line.line, f"kind {line.kind!r} must be holiday or workday")
            continue
        if len(line.name) > MAX_NAME:
            problem(line.line, f"name is longer than {MAX_NAME} characters")
            continue
        year = day.year if year is None else year
        if day.year != year:
            problem(line.line, f"{day} is not in {year}")
            continue
        if day in seen:
            problem(line.line, f"{day} is already on {label(seen[day])}")
            continue
        seen[day] = line.line
        parsed.append((line, day, kind))
    holidays = {day for _, day, kind in parsed if kind is EntryKind.HOLIDAY}
    for line, day, kind in parsed:
        if kind is EntryKind.WORKDAY:
            if day.weekday() < 5:
                problem(line.line, f"workday {day} is a {_WEEKDAYS[day.weekday()]}, already worked; "
                                "only a Saturday or Sunday can be a make-up workday")
            elif not _near_holiday(day, holidays):
                problem(line.line, f"make-up workday {day} is more than {MAKEUP_REACH_DAYS} days "
                                "from every holiday of the file")
    makeups = sum(1 for _, _, kind in parsed if kind is EntryKind.WORKDAY)
    weekday_holidays = sum(1 for day in holidays if day.weekday() < 5)
    if makeups > weekday_holidays:
        found.append((1 << 62, f"file: {makeups} make-up workdays pay for only {weekday_holidays} holidays on weekdays"))
    if not lines:
        found.append((0, "file: no days"))
    if found:
        raise ScheduleInvalid([text for _, text in sorted(found, key=lambda f: f[0])], where=where)
    assert year is not None
    days = tuple(SpecialDay(day, kind, line.name.strip()) for line, day, kind in sorted(parsed, key=lambda p: p[1]))
    return YearSchedule(year=year, days=days, source=CalendarSource.LOADED, origin=origin, note=note)


def schedule_lines(schedule: YearSchedule) -> list[ScheduleLine]:
    """Return a schedule's days as entries (to check a schedule read back, or write it out)."""
    return [ScheduleLine(i, d.day.isoformat(), str(d.kind), d.name) for i, d in enumerate(schedule.days, start=1)]


def _near_holiday(day: date, holidays: set[date]) -> bool:
    reach = timedelta(days=MAKEUP_REACH_DAYS)
    if (day - date(day.year, 1, 1)) < reach or (date(day.year, 12, 31) - day) < reach:
        return True  # it may pay for a holiday of the year before or after (30 Dec worked for 1 Jan)
    return any(abs(day - h) <= reach for h in holidays)


