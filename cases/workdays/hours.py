"""Office hours of a working day: the sessions deadlines in working hours count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from cases.workdays.errors import CalendarError

US_PER_DAY = 86_400_000_000
_US_PER_MINUTE = 60_000_000


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Sessions of a working day as microseconds from local midnight, ascending and apart."""

    sessions: tuple[tuple[int, int], ...]

    def __post_init__(self) -> None:
        if not self.sessions:
            raise CalendarError("office hours: at least one session is needed")
        last_end = -1
        for begin, end in self.sessions:
            if not 0 <= begin < end <= US_PER_DAY:
                raise CalendarError(f"office hours: session {_text(begin)}-{_text(end)} must begin before it ends")
            if begin <= last_end:
                raise CalendarError(f"office hours: session {_text(begin)}-{_text(end)} overlaps the one before")
            last_end = end

    @property
    def day_us(self) -> int:
        """Return the working microseconds of one working day."""
        return sum(end - begin for begin, end in self.sessions)

    @property
    def close_us(self) -> int:
        """Return when the working day ends (the last session's end), from midnight."""
        return self.sessions[-1][1]

    def worked_before(self, us: int) -> int:
        """Return the working microseconds of a working day before us from midnight."""
        return sum(max(0, min(end, us) - begin) for begin, end in self.sessions)

    def moment_after(self, worked: int) -> int:
        """Return the earliest time of day (us from midnight) by which worked microseconds (0 < worked <= day_us) are done."""
        for begin, end in self.sessions:
            if worked <= end - begin:
                return begin + worked
            worked -= end - begin
        raise CalendarError(f"office hours: {worked} us past the end of the day")  # callers keep worked <= day_us

    def next_open(self, us: int) -> int | None:
        """Return us itself when it falls in a session, else the next session's start that day, else None."""
        for begin, end in self.sessions:
            if us < end:
                return max(us, begin)
        return None

    def __str__(self) -> str:
        return ",".join(f"{_text(b)}-{_text(e)}" for b, e in self.sessions)


def parse_office_hours(text: str) -> OfficeHours:
    """Return office hours from "08:30-12:00,13:30-17:30"; refuse anything else with CalendarError."""
    sessions = []
    for part in (p.strip() for p in text.split(",")):
        begin, sep, end = part.partition("-")
        if not sep:
            raise CalendarError(f"office hours {text!r}: session {part!r} must be HH:MM-HH:MM")
        sessions.append((_us(begin, text), _us(end, text)))
    return OfficeHours(tuple(sessions))


def _us(clock: str, whole: str) -> int:
    clock = clock.strip()
    if clock == "24:00":
        return US_PER_DAY
    try:
        parsed = time.fromisoformat(clock)
    except ValueError:
        raise CalendarError(f"office hours {whole!r}: {clock!r} is no HH:MM time") from None
    return (parsed.hour * 60 + parsed.minute) * _US_PER_MINUTE + (parsed.second * 1_000_000 + parsed.microsecond)


def _text(us: int) -> str:
    minutes = us // _US_PER_MINUTE
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# Government offices in Zhejiang keep 08:30-12:00 and 13:30-17:30 (some shift the afternoon to 14:00 in summer);
# the seeds name no hours, so this is the default and GRIDWATCH_CALENDAR_OFFICE_HOURS changes it.
DEFAULT_OFFICE_HOURS = parse_office_hours("08:30-12:00,13:30-17:30")
