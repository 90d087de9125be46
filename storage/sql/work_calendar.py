"""Loaded holiday schedules: one row per year, its special days beside it."""

from __future__ import annotations

from datetime import date
from typing import Any

from cases.workdays.days import CalendarSource, EntryKind, SpecialDay, YearSchedule
from storage.sql.db import Db


class SqlWorkCalendarRepository:
    """WorkCalendarRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def replace_year(self, schedule: YearSchedule) -> None:
        """Store schedule as its year's loaded schedule, replacing every day loaded before for that year."""
        if schedule.loaded_at is None:
            raise ValueError(f"calendar {schedule.year}: a loaded schedule needs loaded_at")
        where = f"calendar {schedule.year}"
        self._db.execute("DELETE FROM work_calendar_days WHERE year = ?", (schedule.year,))
        self._db.execute(
            "INSERT INTO work_calendar_years (year, loaded_at, loaded_by, origin, note) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (year) DO UPDATE SET loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by,"
            " origin = excluded.origin, note = excluded.note",
            (schedule.year, self._d.time_to_db(schedule.loaded_at, where=f"{where}.loaded_at"), schedule.loaded_by,
             schedule.origin, schedule.note))
        self._db.many("INSERT INTO work_calendar_days (day, year, kind, name) VALUES (?, ?, ?, ?)",
                      [(d.day.isoformat(), schedule.year, str(d.kind), d.name) for d in schedule.days])

    def get_year(self, year: int) -> YearSchedule | None:
        """Return the loaded schedule of year, or None when none was loaded."""
        found = self._read("WHERE y.year = ?", (year,))
        return found[0] if found else None

    def all_years(self) -> list[YearSchedule]:
        """Return every loaded schedule, by year."""
        return self._read("", ())

    def loaded_years(self) -> list[int]:
        """Return the years with a loaded schedule, ascending (one small query, for health checks)."""
        return [row["year"] for row in self._db.execute("SELECT year FROM work_calendar_years ORDER BY year")]

    def _read(self, condition: str, params: tuple[Any, ...]) -> list[YearSchedule]:
        years = self._db.execute(
            f"SELECT y.year, y.loaded_at, y.loaded_by, y.origin, y.note FROM work_calendar_years y {condition}"
            " ORDER BY y.year", params).fetchall()
        if not years:
            return []
        rows = self._db.execute(
            f"SELECT d.year, d.day, d.kind, d.name FROM work_calendar_days d JOIN work_calendar_years y"
            f" ON y.year = d.year {condition} ORDER BY d.day", params).fetchall()
        days: dict[int, list[SpecialDay]] = {}
        for row in rows:
            days.setdefault(row["year"], []).append(
                SpecialDay(date.fromisoformat(str(row["day"])), EntryKind(row["kind"]), row["name"]))
        return [YearSchedule(year=y["year"], days=tuple(days.get(y["year"], ())), source=CalendarSource.LOADED,
                             loaded_at=self._d.time_from_db(y["loaded_at"]), loaded_by=y["loaded_by"],
                             origin=y["origin"], note=y["note"]) for y in years]
