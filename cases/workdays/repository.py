"""The store the working calendar needs: the schedules admins loaded, one year at a time."""

from __future__ import annotations

from typing import Protocol

from cases.workdays.days import YearSchedule


class WorkCalendarRepository(Protocol):
    def replace_year(self, schedule: YearSchedule) -> None:
        """Store schedule as its year's loaded schedule, replacing every day loaded before for that year."""
        ...

    def get_year(self, year: int) -> YearSchedule | None:
        """Return the loaded schedule of year, or None when none was loaded."""
        ...

    def all_years(self) -> list[YearSchedule]:
        """Return every loaded schedule, by year."""
        ...

    def loaded_years(self) -> list[int]:
        """Return the years with a loaded schedule, ascending (one small query, for health checks)."""
        ...
