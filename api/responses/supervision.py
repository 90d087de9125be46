"""Answers of supervision (督办): reminders and the supervisor's queue."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.responses.cases import CaseRead
from api.responses.common import Instant, Page, ReadModel
from cases.supervision import ReminderKind


class ReminderRead(ReadModel):
    """One supervision reminder: a rise of a case's level, to whom, about which due time; who acknowledged it."""

    id: int
    case_id: int
    at: Instant
    level: Annotated[int, Field(ge=1, le=4, description="1 due soon, 2 overdue, 3 platform head, 4 leader")]
    kind: ReminderKind
    due_at: Instant
    due_step: str
    recipient: Annotated[str, Field(description="platform:<p>, platform_head:<p> or leader")]
    note: str
    acknowledged_at: Instant | None
    acknowledged_by: str


class SupervisedCase(CaseRead):
    """A case in the supervisor's queue: how late it is in working hours, and its newest reminder."""

    overdue_by_wh: Annotated[float, Field(ge=0, description="working hours past due_at (0: not yet due)")]
    last_reminder: ReminderRead | None


class SupervisionQueue(Page[SupervisedCase]):
    """The supervisor's queue: open cases with a supervision level, highest level first, then soonest due."""
