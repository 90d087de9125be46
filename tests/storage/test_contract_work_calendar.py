"""Contract of WorkCalendarRepository, run against every backend: a loaded year replaces the year wholesale."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cases.workdays import CalendarSource, EntryKind, SpecialDay, YearSchedule
from storage import Store, StorageError

LOADED_AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _schedule(year: int = 2027, *days: SpecialDay, note: str = "国务院办公厅通知") -> YearSchedule:
    days = days or (SpecialDay(date(year, 10, 1), EntryKind.HOLIDAY, "国庆节"),
                    SpecialDay(date(year, 9, 26), EntryKind.WORKDAY, "国庆节"))
    return YearSchedule(year=year, days=tuple(days), source=CalendarSource.LOADED, loaded_at=LOADED_AT,
                        loaded_by="admin", origin="2027.csv", note=note)


def test_a_loaded_year_reads_back_sorted_with_its_provenance(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.work_calendar.replace_year(_schedule())
    with store.read_only() as uow:
        got = uow.work_calendar.get_year(2027)
        assert uow.work_calendar.get_year(2028) is None
    assert got is not None
    assert [(d.day, d.kind, d.name) for d in got.days] == [
        (date(2027, 9, 26), EntryKind.WORKDAY, "国庆节"), (date(2027, 10, 1), EntryKind.HOLIDAY, "国庆节")]
    assert (got.source, got.loaded_at, got.loaded_by, got.origin, got.note) == (
        CalendarSource.LOADED, LOADED_AT, "admin", "2027.csv", "国务院办公厅通知")


def test_loading_a_year_again_replaces_its_days_and_leaves_other_years(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.work_calendar.replace_year(_schedule(2027))
        uow.work_calendar.replace_year(_schedule(2028))
    with store.unit_of_work() as uow:
        uow.work_calendar.replace_year(_schedule(2027, SpecialDay(date(2027, 5, 3), EntryKind.HOLIDAY, "劳动节"),
                                                 note="corrected"))
    with store.read_only() as uow:
        years = uow.work_calendar.all_years()
        assert uow.work_calendar.loaded_years() == [2027, 2028]
    assert [y.year for y in years] == [2027, 2028]
    assert [d.day for d in years[0].days] == [date(2027, 5, 3)] and years[0].note == "corrected"
    assert len(years[1].days) == 2


def test_a_failed_load_leaves_the_year_as_it_was(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.work_calendar.replace_year(_schedule(2027))
    twice = SpecialDay(date(2027, 10, 2), EntryKind.HOLIDAY, "国庆节")
    with pytest.raises(Exception), store.unit_of_work() as uow:  # the day's key refuses the duplicate
        uow.work_calendar.replace_year(_schedule(2027, twice, twice))
    with store.read_only() as uow:
        got = uow.work_calendar.get_year(2027)
    assert got is not None and len(got.days) == 2


def test_writing_in_a_read_only_unit_of_work_is_refused(store: Store) -> None:
    with pytest.raises(StorageError), store.read_only() as uow:
        uow.work_calendar.replace_year(_schedule())
