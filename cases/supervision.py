"""Supervision (督办): mark cases due soon and overdue, escalate overdue ones up the chain, record every reminder.

Levels: 0 none, 1 due soon, 2 overdue, 3 escalated to the platform head, 4 to the command room's leader. A level
only rises while the case waits on the same step; the case clock resets it to 0 when the step changes. Every
rise writes one reminder, one case event (action 'supervise', the status stays) and one feed announcement, so a
second run at the same moment adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from cases.errors import CaseError, CaseNotFound
from cases.models import Case, CaseEvent
from cases.repository import CaseRepository
from cases.workdays import WorkingCalendar

SUPERVISE = "supervise"  # the case event of a level change
SYSTEM_SUPERVISOR = "system:supervision"
MAX_LEVEL = 4


class ReminderKind(StrEnum):
    """What a reminder says, one per level."""

    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ESCALATED_HEAD = "escalated_head"
    ESCALATED_LEADER = "escalated_leader"


KIND_OF_LEVEL = {1: ReminderKind.DUE_SOON, 2: ReminderKind.OVERDUE, 3: ReminderKind.ESCALATED_HEAD,
                 4: ReminderKind.ESCALATED_LEADER}


@dataclass(frozen=True, slots=True)
class Reminder:
    """One supervision reminder of a case: when, which level, about which due time, to whom; acknowledged by whom."""

    case_id: int
    at: datetime
    level: int
    kind: ReminderKind
    due_at: datetime
    due_step: str
    recipient: str
    note: str = ""
    acknowledged_at: datetime | None = None
    acknowledged_by: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class SupervisionPolicy:
    """When a case is due soon and when an overdue one goes up the chain (GRIDWATCH_SUPERVISION_*)."""

    # Clock hours before the due time: urgent matters count round the clock, so the warning does too.
    due_soon: timedelta = timedelta(hours=4)
    # Working hours past the due time: escalation follows the offices that must act on it.
    head_after_wh: float = 8.0
    leader_after_wh: float = 16.0

    def __post_init__(self) -> None:
        if not 0 <= self.head_after_wh <= self.leader_after_wh:
            raise CaseError("supervision: escalation to the leader must come at or after the platform head's")


class ReminderRepository(Protocol):
    def add(self, reminder: Reminder) -> Reminder:
        """Store a reminder and return it with its id."""
        ...

    def get(self, reminder_id: int) -> Reminder | None: ...

    def for_case(self, case_id: int) -> list[Reminder]:
        """Return the case's reminders, oldest first."""
        ...

    def latest_for(self, case_ids: list[int]) -> dict[int, Reminder]:
        """Return each case's newest reminder, by case id (cases without one are left out)."""
        ...

    def acknowledge(self, reminder_id: int, *, by: str, at: datetime) -> bool:
        """Stamp who acknowledged the reminder and when, once; return whether it was stamped now."""
        ...


def level_for(case: Case, now: datetime, *, calendar: WorkingCalendar, policy: SupervisionPolicy) -> int:
    """Return the level the case's due time calls for at now (0: none yet, or no due time)."""
    if case.due_at is None:
        return 0
    if now <= case.due_at:
        return 1 if case.due_at - now <= policy.due_soon else 0
    late = overdue_wh(case, now, calendar=calendar)
    if late >= policy.leader_after_wh:
        return 4
    return 3 if late >= policy.head_after_wh else 2


def overdue_wh(case: Case, now: datetime, *, calendar: WorkingCalendar) -> float:
    """Return the working hours the case is past its due time (0 when it is not)."""
    if case.due_at is None or now <= case.due_at:
        return 0.0
    return round(max(0.0, calendar.working_hours_between(case.due_at, now)), 2)


def recipient(case: Case, level: int) -> str:
    """Return who a reminder of level goes to: the platform, its head, the command room's leader."""
    platform = str(case.platform) if case.platform else "unrouted"
    return {3: f"platform_head:{platform}", 4: "leader"}.get(level, f"platform:{platform}")


@dataclass(frozen=True, slots=True)
class Raised:
    """A case whose supervision level rose: the case after, its reminder and its event."""

    case: Case
    reminder: Reminder
    event: CaseEvent


def raise_level(*, cases: CaseRepository, reminders: ReminderRepository, case: Case, level: int,
                now: datetime, late_wh: float) -> Raised:
    """Raise the case to level (higher than its own): store it, one reminder and one event."""
    if level <= case.supervision_level or case.due_at is None:
        raise CaseError(f"case {case.id}: supervision level {level} is not above {case.supervision_level}")
    kind = KIND_OF_LEVEL[level]
    to = recipient(case, level)
    note = (f"'{case.due_step}' due {case.due_at.isoformat()}" if level == 1 else
            f"'{case.due_step}' overdue by {late_wh:g} working hours since {case.due_at.isoformat()}")
    case_id: int = case.id  # type: ignore[assignment]
    updated = cases.update(replace(case, supervision_level=level, updated_at=now))
    reminder = reminders.add(Reminder(case_id=case_id, at=now, level=level, kind=kind, due_at=case.due_at,
                                      due_step=case.due_step, recipient=to, note=note))
    event = cases.append_event(CaseEvent(
        case_id=case_id, action=SUPERVISE, actor=SYSTEM_SUPERVISOR, at=now, from_status=case.status,
        to_status=case.status, note=f"{kind.value} to {to}: {note}",
        data={"level": level, "kind": kind.value, "recipient": to, "reminder_id": reminder.id,
              "due_step": case.due_step, "overdue_wh": late_wh}))
    return Raised(updated, reminder, event)


def acknowledge_reminder(*, reminders: ReminderRepository, reminder_id: int, by: str, at: datetime) -> Reminder:
    """Acknowledge a reminder for a supervisor (a second acknowledgement keeps the first); return it."""
    if reminders.get(reminder_id) is None:
        raise CaseNotFound(f"reminder {reminder_id}: no such reminder")
    reminders.acknowledge(reminder_id, by=by, at=at)
    found = reminders.get(reminder_id)
    assert found is not None
    return found
