"""The working calendar's error: a bad schedule, limit or time, saying what and where."""

from __future__ import annotations

from cases.errors import CaseError


class CalendarError(CaseError):
    """A schedule, time limit or time the calendar cannot use; the message names the line, field or value."""


class ScheduleInvalid(CalendarError):
    """A schedule file or body with bad lines; problems lists every one as "line N: what"."""

    def __init__(self, problems: list[str], *, where: str = "schedule") -> None:
        self.problems = problems
        super().__init__(f"{where}: " + "; ".join(problems))
