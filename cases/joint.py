"""Joint handling (联合执法): assisting platforms' tasks on a case that one lead platform answers for.

The case's platform is the lead; every other platform joins by an ASSISTING assignment with its own task and team.
An assisting task is added once the case is registered and has a lead platform, up to the lead's feedback
(TASKS_FROM); it is open while its assignment holds its team, and ends done (its team released, TASK_DONE) or
cancelled by the command room (WITHDRAWN). The lead's feedback, and so verification and close, waits for every
open task (service.refuse_open_tasks). Each change appends a case event with the status unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from cases import feed as payloads
from cases.errors import CaseError, CaseNotFound, IllegalTransition
from cases.locator import Locator
from cases.models import (Assignment, AssignmentRole, Case, CaseEvent, CaseStatus, Platform, ReleaseReason, TaskState,
                          Team, TeamStatus)
from cases.repository import AssignmentRepository, CaseRepository, TeamRepository
from cases.service import claim_team, locked_case
from cases.use_cases import CaseWork

S = CaseStatus
# From registration (the lead platform is known) until the lead feeds back: after that a new task would be added to
# work already declared handled; a returned case (verification failed) takes tasks again.
TASKS_FROM = frozenset({S.REGISTERED, S.ROUTED, S.DISPATCHED, S.IN_PROGRESS, S.RETURNED})
TASK_ADDED, TASK_DONE, TASK_CANCELLED = "task_added", "task_done", "task_cancelled"


@dataclass(frozen=True, slots=True)
class TaskResult:
    """The case after a task changed, the event that records it, the task, and the team it claimed (adding)."""

    case: Case
    event: CaseEvent
    assignment: Assignment
    team: Team | None = None
    distance_m: float | None = None


def add_assisting_task(*, cases: CaseRepository, teams: TeamRepository, assignments: AssignmentRepository,
                       locator: Locator, case_id: int, platform: Platform, task: str, actor: str, at: datetime,
                       team_id: str | None = None, role: str = "", expected_version: int | None = None) -> TaskResult:
    """Send a team of an assisting platform (the named one, or the nearest available) to the case with a task."""
    case = locked_case(cases, case_id, expected_version)
    if case.status not in TASKS_FROM or case.platform is None:
        allowed = " or ".join(f"'{s}'" for s in CaseStatus if s in TASKS_FROM)
        raise IllegalTransition(f"case {case_id} is '{case.status}'; an assisting task needs {allowed}"
                                " and a lead platform")
    if not task.strip():
        raise CaseError(f"case {case_id}: body field 'task' is empty; say what the assisting team is to do")
    team, distance = claim_team(teams=teams, locator=locator, case=case, team_id=team_id, platform=platform)
    assignment = assignments.add(Assignment(
        case_id=case_id, team_id=team.id, platform=team.platform, role=AssignmentRole.ASSISTING, dispatched_at=at,
        task=task, distance_m=None if distance is None else round(distance, 1)))
    case, event = _note(cases, case, action=TASK_ADDED, actor=actor, role=role, at=at, note=task, data={
        "assignment_id": assignment.id, "platform": str(team.platform), "team_id": team.id, "team_name": team.name,
        "task": task, "distance_m": assignment.distance_m})
    return TaskResult(case, event, assignment, team, distance)


def complete_task(*, cases: CaseRepository, teams: TeamRepository, assignments: AssignmentRepository, case_id: int,
                  assignment_id: int, actor: str, at: datetime, note: str = "", attachments: tuple[str, ...] = (),
                  role: str = "") -> TaskResult:
    """Mark an assisting task done with the team's note and files, and give its team back."""
    case = locked_case(cases, case_id, None)
    task = open_task(assignments, case_id, assignment_id)
    if not assignments.set_state(assignment_id, state=TaskState.DONE, at=at, expected=task.state):
        raise IllegalTransition(f"case {case_id}: task {assignment_id} changed meanwhile; read the case again")
    done = _release(teams, assignments, replace(task, state=TaskState.DONE, done_at=at), at=at,
                    reason=ReleaseReason.TASK_DONE)
    case, event = _note(cases, case, action=TASK_DONE, actor=actor, role=role, at=at, attachments=attachments,
                        note=note or f"task {assignment_id} of {task.platform} done", data={
                            "assignment_id": assignment_id, "platform": str(task.platform), "team_id": task.team_id})
    return TaskResult(case, event, done)


def cancel_task(*, cases: CaseRepository, teams: TeamRepository, assignments: AssignmentRepository, case_id: int,
                assignment_id: int, actor: str, at: datetime, note: str = "", role: str = "") -> TaskResult:
    """Withdraw an assisting task that is no longer needed, and give its team back."""
    case = locked_case(cases, case_id, None)
    task = open_task(assignments, case_id, assignment_id)
    withdrawn = _release(teams, assignments, task, at=at, reason=ReleaseReason.WITHDRAWN)
    case, event = _note(cases, case, action=TASK_CANCELLED, actor=actor, role=role, at=at,
                        note=note or f"task {assignment_id} of {task.platform} withdrawn", data={
                            "assignment_id": assignment_id, "platform": str(task.platform), "team_id": task.team_id})
    return TaskResult(case, event, withdrawn)


def open_task(assignments: AssignmentRepository, case_id: int, assignment_id: int) -> Assignment:
    """Return the case's open assisting task; raise CaseNotFound, CaseError (the lead's) or IllegalTransition (over)."""
    task = next((a for a in assignments.for_case(case_id) if a.id == assignment_id), None)
    if task is None:
        raise CaseNotFound(f"case {case_id}: no task {assignment_id}")
    if task.role is not AssignmentRole.ASSISTING:
        raise CaseError(f"case {case_id}: task {assignment_id} is the lead's; the lead reports by the 'feedback' step")
    if not task.active:
        raise IllegalTransition(f"case {case_id}: task {assignment_id} is over ({task.release_reason})")
    return task


def assisting_platforms(assignments: list[Assignment]) -> list[Platform]:
    """Return the platforms assisting a case: those with a task open or done (a cancelled one took no part)."""
    found = [a.platform for a in assignments if a.role is AssignmentRole.ASSISTING
             and (a.active or a.state is TaskState.DONE)]
    return list(dict.fromkeys(found))


def _release(teams: TeamRepository, assignments: AssignmentRepository, task: Assignment, *, at: datetime,
             reason: ReleaseReason) -> Assignment:
    """End the task's assignment and free its team (one active assignment per team: this one held it)."""
    if not assignments.release(task.id, at=at, reason=reason):  # type: ignore[arg-type]
        raise IllegalTransition(f"case {task.case_id}: task {task.id} ended meanwhile; read the case again")
    teams.set_status(task.team_id, TeamStatus.AVAILABLE)
    return replace(task, released_at=at, release_reason=reason)


def _note(cases: CaseRepository, case: Case, *, action: str, actor: str, role: str, at: datetime, note: str,
          data: dict[str, Any], attachments: tuple[str, ...] = ()) -> tuple[Case, CaseEvent]:
    """Bump the case (its version counts every change) and append the task's event; the status stays."""
    case = cases.update(replace(case, updated_at=at))
    case_id: int = case.id  # type: ignore[assignment]
    event = cases.append_event(CaseEvent(case_id=case_id, action=action, actor=actor, role=role, at=at,
                                         from_status=case.status, to_status=case.status, note=note, data=data,
                                         attachments=attachments))
    return case, event


def add_task_and_announce(work: CaseWork, *, locator: Locator, case_id: int, platform: Platform, task: str,
                          actor: str, at: datetime, team_id: str | None = None, role: str = "",
                          expected_version: int | None = None) -> TaskResult:
    """Add an assisting task and announce the case and the team it sent."""
    result = add_assisting_task(cases=work.cases, teams=work.teams, assignments=work.assignments, locator=locator,
                                case_id=case_id, platform=platform, task=task, team_id=team_id, actor=actor, at=at,
                                role=role, expected_version=expected_version)
    work.feed.append(payloads.CASE_UPDATED, payloads.case_updated(result.case, result.event), at=at)
    assert result.team is not None  # adding always claims one
    work.feed.append(payloads.TEAM_ASSIGNED, payloads.team_assigned(result.case, result.team, result.assignment,
                                                                   result.distance_m), at=at)
    return result


def complete_task_and_announce(work: CaseWork, *, case_id: int, assignment_id: int, actor: str, at: datetime,
                               note: str = "", attachments: tuple[str, ...] = (), role: str = "") -> TaskResult:
    """Mark an assisting task done and announce the case and the team it gave back."""
    result = complete_task(cases=work.cases, teams=work.teams, assignments=work.assignments, case_id=case_id,
                           assignment_id=assignment_id, actor=actor, at=at, note=note, attachments=attachments,
                           role=role)
    _announce_released(work, result, at=at)
    return result


def cancel_task_and_announce(work: CaseWork, *, case_id: int, assignment_id: int, actor: str, at: datetime,
                             note: str = "", role: str = "") -> TaskResult:
    """Withdraw an assisting task and announce the case and the team it gave back."""
    result = cancel_task(cases=work.cases, teams=work.teams, assignments=work.assignments, case_id=case_id,
                         assignment_id=assignment_id, actor=actor, at=at, note=note, role=role)
    _announce_released(work, result, at=at)
    return result


def _announce_released(work: CaseWork, result: TaskResult, *, at: datetime) -> None:
    work.feed.append(payloads.CASE_UPDATED, payloads.case_updated(result.case, result.event), at=at)
    work.feed.append(payloads.TEAM_RELEASED, payloads.team_released(result.case, result.assignment), at=at)
