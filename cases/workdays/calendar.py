"""The working calendar: which days are worked, and deadline arithmetic in working days and hours."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

from cases.workdays.days import CalendarSource, DayKind, YearSchedule, kind_of
from cases.workdays.errors import CalendarError
from cases.workdays.hours import DEFAULT_OFFICE_HOURS, OfficeHours
from cases.workdays.package import package_schedule
from gis.zone import CHINA_TZ

MAX_WORKING_DAYS = 10_000  # a limit longer than decades of work is a typo, not a deadline
_ONE_DAY = timedelta(days=1)


class _Year:
    """One year's worked days as a prefix count: prefix[i] = worked days before the i-th day of the year."""

    __slots__ = ("first", "prefix", "total")

    def __init__(self, schedule: YearSchedule) -> None:
        first = date(schedule.year, 1, 1)
        length = (date(schedule.year + 1, 1, 1) - first).days if schedule.year < 9999 else 365
        named = {d.day: d.kind for d in schedule.days}
        prefix = [0]
        day = first
        for _ in range(length):
            prefix.append(prefix[-1] + kind_of(day, named.get(day)).worked)
            day += _ONE_DAY
        self.first = first.toordinal()
        self.prefix = prefix
        self.total = prefix[-1]


@lru_cache(maxsize=256)
def _year_table(schedule: YearSchedule) -> _Year:
    # Shared by every calendar built from the same schedule: a request that builds its calendar from the
    # store pays for a year's table once per process, not once per request.
    return _Year(schedule)


class WorkingCalendar:
    """Days and office hours in China's time zone; schedules loaded by an admin win over the package's data."""

    def __init__(self, loaded: Mapping[int, YearSchedule] | Iterable[YearSchedule] = (), *,
                 office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
                 package: Callable[[int], YearSchedule | None] = package_schedule, tz: tzinfo = CHINA_TZ) -> None:
        schedules = loaded.values() if isinstance(loaded, Mapping) else loaded
        self._loaded = {s.year: s for s in schedules}
        self._package = package
        self.office_hours = office_hours
        self.tz = tz
        self._years: dict[int, _Year] = {}
        self._schedules: dict[int, YearSchedule] = {}

    # Days -----------------------------------------------------------------------------------------------

    def schedule(self, year: int) -> YearSchedule:
        """Return the schedule of year: loaded, else the package's, else an empty fallback (Monday to Friday)."""
        found = self._schedules.get(year)
        if found is None:
            found = self._loaded.get(year) or self._package(year) or YearSchedule(year, (), CalendarSource.FALLBACK)
            self._schedules[year] = found
        return found

    def source(self, year: int) -> CalendarSource:
        """Return where the calendar of year comes from."""
        return self.schedule(year).source

    def fallback_years(self, first: date | datetime, last: date | datetime) -> list[int]:
        """Return the years from first to last that only the Monday-to-Friday fallback covers."""
        a, b = sorted((self._date(first), self._date(last)))
        return [y for y in range(a.year, b.year + 1) if self.source(y) is CalendarSource.FALLBACK]

    def day_kind(self, day: date) -> DayKind:
        """Return how day counts: workday, make-up workday, holiday or weekend."""
        named = {d.day: d.kind for d in self.schedule(day.year).days}
        return kind_of(day, named.get(day))

    def is_workday(self, day: date) -> bool:
        """Return whether day is worked (an ordinary workday or a make-up workday)."""
        year = self._year(day.year)
        i = day.toordinal() - year.first
        return year.prefix[i + 1] > year.prefix[i]

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            if not 1 <= year <= 9999:
                raise CalendarError(f"calendar: year {year} is out of range")
            table = self._years[year] = _year_table(self.schedule(year))
        return table

    def _nth_workday_after(self, day: date, n: int) -> date:
        """Return the n-th (n >= 1) worked day after day."""
        year = self._year(day.year)
        target = year.prefix[day.toordinal() - year.first + 1] + n
        y = day.year
        while target > year.total:
            target -= year.total
            y += 1
            year = self._year(y)
        return date.fromordinal(year.first + bisect_left(year.prefix, target) - 1)

    def _workdays_before(self, day: date, base_year: int) -> int:
        """Return the worked days from 1 January of base_year to the day before day."""
        year = self._year(day.year)
        return sum(self._year(y).total for y in range(base_year, day.year)) + year.prefix[day.toordinal() - year.first]

    # Moments ---------------------------------------------------------------------------------------------

    def _local(self, moment: datetime, what: str = "time") -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise CalendarError(f"calendar: {what} {moment.isoformat()} has no time zone")
        return moment.astimezone(self.tz)

    def _date(self, value: date | datetime) -> date:
        return self._local(value).date() if isinstance(value, datetime) else value

    def _at(self, day: date, us: int) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=self.tz) + timedelta(microseconds=us)

    @staticmethod
    def _us_of_day(local: datetime) -> int:
        return ((local.hour * 60 + local.minute) * 60 + local.second) * 1_000_000 + local.microsecond

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """Return the close of office hours on the n-th working day after start's day (start's day never counts).

        The day a period starts does not count and it ends when business closes on its last day (民法典
        第二百零一条、第二百零三条), so a matter reported at any hour on the eve of a holiday is due at the
        close of its n-th working day after the holiday; n = 0 returns start.
        """
        if not 0 <= n <= MAX_WORKING_DAYS:
            raise CalendarError(f"calendar: working days {n} must be between 0 and {MAX_WORKING_DAYS}")
        local = self._local(start, "start")
        if n == 0:
            return local
        return self._at(self._nth_workday_after(local.date(), n), self.office_hours.close_us)

    def next_working_moment(self, moment: datetime) -> datetime:
        """Return moment if it falls in office hours of a working day, else when office hours next begin."""
        local = self._local(moment)
        day = local.date()
        if self.is_workday(day):
            opens = self.office_hours.next_open(self._us_of_day(local))
            if opens is not None:
                return self._at(day, opens) if opens != self._us_of_day(local) else local
        return self._at(self._nth_workday_after(day, 1), self.office_hours.sessions[0][0])

    def _worked_us(self, local: datetime, base_year: int) -> int:
        """Return the working microseconds from 1 January of base_year to local."""
        day = local.date()
        before = self._workdays_before(day, base_year) * self.office_hours.day_us
        return before + (self.office_hours.worked_before(self._us_of_day(local)) if self.is_workday(day) else 0)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Return the office time of working days from a to b (negative when b is before a)."""
        la, lb = self._local(a, "from"), self._local(b, "to")
        base = min(la.year, lb.year)
        return timedelta(microseconds=self._worked_us(lb, base) - self._worked_us(la, base))

    def working_hours_between(self, a: datetime, b: datetime) -> float:
        """Return the office hours of working days from a to b, as assessment averages them."""
        return self.working_time_between(a, b) / timedelta(hours=1)

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """Return the earliest moment by which amount of office time has passed since start (amount >= 0)."""
        if amount < timedelta(0):
            raise CalendarError(f"calendar: working time {amount} must not be negative")
        local = self._local(start, "start")
        left = amount // timedelta(microseconds=1)
        if left == 0:
            return local
        hours, day = self.office_hours, local.date()
        if self.is_workday(day):
            today = hours.day_us - hours.worked_before(self._us_of_day(local))
            if left <= today:
                return self._at(day, hours.moment_after(hours.day_us - today + left))
            left -= today
        whole, rest = divmod(left, hours.day_us)
        if rest == 0:  # ends exactly at a close of business
            whole, rest = whole - 1, hours.day_us
        if whole + 1 > MAX_WORKING_DAYS:
            raise CalendarError(f"calendar: working time {amount} is longer than {MAX_WORKING_DAYS} working days")
        return self._at(self._nth_workday_after(day, whole + 1), hours.moment_after(rest))

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """Return the earliest moment by which hours of office time have passed since start."""
        if not 0 <= hours <= MAX_WORKING_DAYS * 24:  # also refuses NaN
            raise CalendarError(f"calendar: working hours {hours} must be between 0 and {MAX_WORKING_DAYS * 24}")
        return self.add_working_time(start, timedelta(hours=hours))

