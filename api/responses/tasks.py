"""Answers about joint handling (联合执法): a case's tasks, lead and assisting, each with its team and state."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.responses.common import Instant, ReadModel
from cases.models import AssignmentRole, Platform, ReleaseReason, TaskState


class TaskRead(ReadModel):
    """One platform's part in a case: the lead's or an assisting task, its team, and how it stands."""

    assignment_id: int
    platform: Platform
    role: AssignmentRole
    team: Annotated[str, Field(description="the team's id")]
    task: str
    state: Annotated[TaskState, Field(description="done once the team reported its work (the lead: by feedback)")]
    open: Annotated[bool, Field(description="the task still holds its team; the lead's feedback waits for every "
                                            "assisting one")]
    dispatched_at: Instant
    done_at: Instant | None
    released_at: Instant | None
    release_reason: Annotated[ReleaseReason | None, Field(description="task_done, withdrawn (cancelled), or the "
                                                                      "step that ended every task")]
