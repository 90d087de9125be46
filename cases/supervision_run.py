"""One run of supervision over the store's open cases, and acknowledging a reminder, each with its announcement."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from cases import feed as payloads
from cases.clock import CaseClock, ClockSources
from cases.repository import CaseRepository
from cases.supervision import (MAX_LEVEL, Raised, ReminderRepository, SupervisionPolicy, level_for,
                               overdue_wh, raise_level)
from feed import FeedRepository

BATCH = 500


class SupervisionWork(ClockSources, Protocol):
    """The repositories of one unit of work that supervision needs (storage's UnitOfWork has them)."""

    cases: CaseRepository
    case_reminders: ReminderRepository
    feed: FeedRepository


@dataclass
class SupervisionReport:
    """What one run did: cases looked at, and the rises by new level."""

    looked_at: int = 0
    raised: dict[int, int] = field(default_factory=dict)

    def describe(self) -> str:
        """Return a line for the job run's record."""
        rises = ", ".join(f"{n} to level {level}" for level, n in sorted(self.raised.items())) or "no rise"
        return f"supervision: {self.looked_at} cases due soon or overdue; {rises}"


def supervise_and_announce(work: SupervisionWork, *, case_clock: CaseClock, policy: SupervisionPolicy,
                           now: datetime, batch: int = BATCH) -> SupervisionReport:
    """Raise the level of every open case whose due time calls for more than it has; announce each rise.

    Reads cases due by now + policy.due_soon below the top level, soonest first, batch at a time; a case already
    at its level is left alone, so a second run at the same now adds nothing.
    """
    calendar = case_clock.rules(work).calendar
    report = SupervisionReport()
    after: set[int] = set()
    while True:
        limit = batch + len(after)  # those seen stay in the answer while their level is below the top
        rows = work.cases.due_before(now + policy.due_soon, below_level=MAX_LEVEL, limit=limit)
        for case in (c for c in rows if c.id not in after):
            after.add(case.id)  # type: ignore[arg-type]
            report.looked_at += 1
            level = level_for(case, now, calendar=calendar, policy=policy)
            if level <= case.supervision_level:
                continue
            current = work.cases.get(case.id, for_update=True)  # type: ignore[arg-type]
            if current is None or current.version != case.version:
                continue  # a step moved it meanwhile; the next run judges it afresh
            raised = raise_level(cases=work.cases, reminders=work.case_reminders, case=current, level=level, now=now,
                                 late_wh=overdue_wh(current, now, calendar=calendar))
            _announce(work, raised, now)
            report.raised[level] = report.raised.get(level, 0) + 1
        if len(rows) < limit:
            return report


def _announce(work: SupervisionWork, raised: Raised, now: datetime) -> None:
    work.feed.append(payloads.CASE_SUPERVISED, payloads.case_supervised(raised.case, raised.event, raised.reminder),
                     at=now)
