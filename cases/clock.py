"""The case clock: each step's deadline from the taxonomy's time limits, counted on the working calendar.

Pure functions given the rules (the active taxonomy and the working calendar); CaseClock caches the rules for a
process so that reporting a case costs no extra query. Decisions (docs/ARCHITECTURE.md, "The case clock"):
the accept limit runs from the report, the dispatch limit from acceptance (re-routing keeps it), the handle limit
from the first dispatch of the round (starting, rework after a failed verification keep it); verification and
closing have no limit in the taxonomy, so a handled or verified case has no due time; a finished case none.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol

from cases.lifecycle import FINISHED, Action
from cases.models import Case, CaseStatus
from cases.taxonomy import SubCategory, Taxonomy
from cases.taxonomy_service import active_taxonomy
from cases.taxonomy_store import TaxonomyRepository
from cases.workdays import (DEFAULT_OFFICE_HOURS, Hours, OfficeHours, TimeLimit, WorkCalendarRepository,
                            WorkingCalendar, WorkingDays, WorkingHours, calendar_from_store, reporter_feedback_due)

S = CaseStatus
# The step a case waits on in each status, and the taxonomy's limit that step has ('' : none).
WAITS_ON: dict[CaseStatus, str] = {
    S.REPORTED: "accept", S.REGISTERED: "dispatch", S.ROUTED: "dispatch", S.DISPATCHED: "handle",
    S.IN_PROGRESS: "handle", S.RETURNED: "handle", S.HANDLED: "verify", S.VERIFIED: "close",
}
LIMITED_STEPS = frozenset({"accept", "dispatch", "handle"})
FALLBACK_CATEGORY = "other"


@dataclass(frozen=True, slots=True)
class ClockRules:
    """What deadlines are counted by: the taxonomy's time limits and the working calendar."""

    taxonomy: Taxonomy
    calendar: WorkingCalendar
    # Taxonomy.subcategories builds its dict at each call; a report looks it up three times.
    subs: dict[str, SubCategory] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "subs", self.taxonomy.subcategories)


@lru_cache(maxsize=64)
def taxonomy_limit(text: str) -> TimeLimit:
    """Return the taxonomy's limit ('2h' working hours, '3wd' working days, '24ch' clock hours) as a TimeLimit."""
    text = text.strip()
    if text.endswith("wd"):
        return WorkingDays(int(float(text[:-2])))
    if text.endswith("ch"):
        return Hours(float(text[:-2]))
    return WorkingHours(float(text.removesuffix("h")))


def subcategory(rules: ClockRules, category: str) -> SubCategory | None:
    """Return the sub-category a case is filed under, 'other' when the active taxonomy does not know it."""
    return rules.subs.get(category) or rules.subs.get(FALLBACK_CATEGORY)


def step_due(rules: ClockRules, category: str, step: str, start: datetime) -> datetime | None:
    """Return when step of a case of category started at start is due; None for a step without a limit."""
    sub = subcategory(rules, category)
    if sub is None or step not in LIMITED_STEPS:
        return None
    return taxonomy_limit(sub.time_limits[step]).due(start, rules.calendar)


def feedback_due(rules: ClockRules, category: str, reported_at: datetime) -> datetime:
    """Return when the reporter must hear back: 5 working days (seed 003), sooner when the taxonomy says so."""
    due = reporter_feedback_due(reported_at, rules.calendar)
    sub = subcategory(rules, category)
    if sub is not None and "feedback" in sub.time_limits:
        due = min(due, taxonomy_limit(sub.time_limits["feedback"]).due(reported_at, rules.calendar))
    return due


def apply_clock(case: Case, changes: dict[str, Any], *, rules: ClockRules | None, action: Action, at: datetime,
                dispatched_at: datetime | None = None) -> dict[str, Any]:
    """Add to changes (a step's new status and fields) what the step does to the case's clock; return changes.

    case is the case before the step (for a report: the new case). dispatched_at is when the round's first
    dispatch happened (the handle limit counts from it); None: at. Without rules nothing is stamped.
    """
    if rules is None:
        return changes
    status = changes.get("status", case.status)
    if action is Action.REPORT:
        sub = subcategory(rules, case.category)
        changes.update(priority=str(sub.priority) if sub else "normal", department=sub.department if sub else "",
                       feedback_due_at=feedback_due(rules, case.category, at))
    if action is Action.REOPEN:
        changes["closed_at"] = None
    step = "" if status in FINISHED else WAITS_ON.get(status, "")
    if step != case.due_step or action in (Action.REPORT, Action.REOPEN):
        # A new step: a new deadline, and supervision starts over (its reminders were about the old one).
        start = (dispatched_at or at) if step == "handle" else at
        due = step_due(rules, case.category, step, start)
        if due is not None and case.external_due_at is not None and due > case.external_due_at:
            # The city's deadline bounds every step with a limit of a case it handed down (a step without one,
            # such as waiting for verification, stays without one, as for any case).
            due = case.external_due_at
        changes.update(due_step=step, due_at=due, supervision_level=0)
    if status is S.HANDLED and case.handled_at is None:
        deadline = case.due_at if case.due_step == "handle" else None
        changes.update(handled_at=at, on_time=None if deadline is None else at <= deadline,
                       handling_wh=round(rules.calendar.working_hours_between(case.created_at, at), 2))
    if status is S.CLOSED and action is Action.CLOSE:
        changes["closed_at"] = at
    return changes


def overdue(case: Case, now: datetime) -> bool:
    """Return whether the case's current step is past its due time."""
    return case.due_at is not None and now > case.due_at


class ClockSources(Protocol):
    """The repositories of a unit of work the clock reads its rules from."""

    work_calendar: WorkCalendarRepository
    taxonomy_versions: TaxonomyRepository


class CaseClock:
    """A process's cached clock rules: read from the store at most every refresh_s, or at once after invalidate().

    The API invalidates it when it loads a calendar year or stores a taxonomy; another process sees the change
    within refresh_s (GRIDWATCH_CASE_CLOCK_REFRESH_S). Building the rules is cheap (the calendar's year tables
    and the parsed taxonomy are cached by content), but not free, so one report costs no query for them.
    """

    def __init__(self, *, office_hours: OfficeHours = DEFAULT_OFFICE_HOURS, refresh_s: float = 60.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.office_hours = office_hours
        self.refresh_s = refresh_s
        self._monotonic = monotonic
        self._rules: ClockRules | None = None
        self._read_at = 0.0

    def invalidate(self) -> None:
        """Forget the cached rules: the next use reads them again."""
        self._rules = None

    def rules(self, work: ClockSources) -> ClockRules:
        """Return the rules, read in work's unit of work when none are cached or they are older than refresh_s."""
        now = self._monotonic()
        if self._rules is None or now - self._read_at >= self.refresh_s:
            taxonomy, _ = active_taxonomy(versions=work.taxonomy_versions)
            calendar = calendar_from_store(repo=work.work_calendar, office_hours=self.office_hours)
            self._rules, self._read_at = ClockRules(taxonomy, calendar), now
        return self._rules


def clock_rules(clock: CaseClock | None, work: Any) -> ClockRules | None:
    """Return the rules of clock read through work, or None without a clock (no deadlines are stamped)."""
    return None if clock is None else clock.rules(work)
