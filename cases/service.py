"""Case rules: report a case, take a step of the loop, dispatch the nearest available team by an assignment."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from alerts.repository import AlertRepository
from alerts.models import Alert
from alerts.service import clear
from cases.dispatch import claim_best, offer_data, offer_team, rank_candidates
from cases.clock import ClockRules, apply_clock
from cases.errors import CaseError, CaseNotFound, IllegalTransition, NoTeamAvailable, VersionConflict
from cases.lifecycle import FINISHED, STEPS, Action, Need, next_status
from cases.locator import Locator
from cases.models import (Assignment, AssignmentRole, Case, CaseEvent, CaseSource, CaseStatus, Platform, ReleaseReason,
                          TaskState, Team, TeamStatus)
from cases.repository import AssignmentRepository, CaseRepository, TeamRepository
from cases.routing import CATEGORIES, route
from cases.taxonomy import Taxonomy
from gis.geometry import haversine_m


@dataclass(frozen=True, slots=True)
class CaseCreate:
    """What a report says: what, where (WGS-84, already converted), who reported it."""

    title: str
    category: str
    lon: float
    lat: float
    source: CaseSource
    description: str = ""
    reporter: str = ""
    reporter_phone: str = ""
    alert_id: int | None = None
    confidence: float | None = None  # the classifier's, when it chose the category; None when the caller gave it
    triage: bool = False  # the classifier was not sure: an operator files it (GET /api/cases?triage=true)


@dataclass(frozen=True, slots=True)
class StepInput:
    """A step asked of a case; only the fields its action uses matter."""

    action: Action
    note: str = ""
    team_id: str | None = None
    platform: Platform | None = None
    passed: bool = True
    satisfaction: int | None = None
    target_case_id: int | None = None
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StepResult:
    """The case after a step, the event that records it, and the assignments it made or ended."""

    case: Case
    event: CaseEvent
    team: Team | None = None
    distance_m: float | None = None
    assignment: Assignment | None = None
    released: tuple[Assignment, ...] = ()
    cleared_alerts: tuple[Alert, ...] = ()


def report_case(*, repo: CaseRepository, case_in: CaseCreate, grid_path: tuple[str, ...], actor: str,
                at: datetime, role: str = "", rules: ClockRules | None = None,
                taxonomy: Taxonomy | None = None) -> StepResult:
    """Open a case in 'reported', routed to its lead platform by category, and log the report.

    rules (the case clock's) stamp priority, department and deadlines; None stamps none.
    taxonomy: the active one, whose sub-categories and platforms count (None: the shipped one).
    """
    if case_in.category not in (CATEGORIES if taxonomy is None else taxonomy.subcategories):
        raise CaseError(f"category {case_in.category!r}: unknown; use a code from GET /api/categories")
    case = Case(
        title=case_in.title, category=case_in.category, source=case_in.source, status=CaseStatus.REPORTED,
        platform=route(case_in.category, taxonomy), lon=case_in.lon, lat=case_in.lat, grid_path=grid_path,
        created_at=at, updated_at=at, description=case_in.description, reporter=case_in.reporter,
        reporter_phone=case_in.reporter_phone, alert_id=case_in.alert_id, confidence=case_in.confidence,
        triage=case_in.triage,
    )
    # The case clock (cases/clock.py): priority, department, the accept deadline, the reporter's feedback deadline.
    case = repo.add(replace(case, **apply_clock(case, {}, rules=rules, action=Action.REPORT, at=at)))
    event = repo.append_event(CaseEvent(
        case_id=case.id, action=Action.REPORT, actor=actor, at=at, from_status=None, to_status=case.status,  # type: ignore[arg-type]
        note=case_in.description, data={"source": str(case_in.source), "category": case_in.category}, role=role,
    ))
    return StepResult(case, event)


def take_step(*, cases: CaseRepository, teams: TeamRepository, assignments: AssignmentRepository,
              alerts: AlertRepository, locator: Locator, case_id: int, step_in: StepInput, actor: str,
              at: datetime, role: str = "", expected_version: int | None = None,
              rules: ClockRules | None = None) -> StepResult:
    """Take one step of the loop on a case, or raise IllegalTransition / VersionConflict / CaseError / NoTeamAvailable.

    expected_version is the case's version the caller saw (None: whatever is current); a step on an older one is
    refused before anything changes, so two operators cannot both act on what only one of them saw. rules (the
    case clock's) move the case's deadline to the step it now waits on; None leaves the clock alone.
    """
    case = locked_case(cases, case_id, expected_version)
    action = step_in.action
    passed = step_in.passed if action is Action.VERIFY else True
    to_status = next_status(action, case.status, case_id=case_id, passed=passed)
    _check_needs(case, step_in)
    changes: dict[str, Any] = {"status": to_status, "updated_at": at}
    data: dict[str, Any] = {}
    team: Team | None = None
    distance: float | None = None
    assignment: Assignment | None = None
    released: tuple[Assignment, ...] = ()
    cleared_alerts: tuple[Alert, ...] = ()

    if action is Action.ROUTE:
        changes["platform"] = step_in.platform
        data["platform"] = str(step_in.platform)
    elif action is Action.DISPATCH:
        team, distance, assignment = offer_team(teams=teams, assignments=assignments, locator=locator, case=case,
                                                team_id=step_in.team_id, task=step_in.note, at=at)
        data.update(offer_data(team, assignment))
    elif action is Action.START:
        for active in assignments.for_case(case_id, active_only=True):
            # A team that shows up has accepted its offer.
            assignments.set_state(active.id, state=TaskState.ACCEPTED, at=at,  # type: ignore[arg-type]
                                  expected=TaskState.OFFERED)
            assignments.mark_arrived(active.id, at=at)  # type: ignore[arg-type]
    elif action is Action.FEEDBACK:
        _mark_lead(assignments, case, at=at, state=TaskState.DONE)  # the team stays held until verified
    elif action is Action.VERIFY:
        data["passed"] = passed
        if not passed:
            _mark_lead(assignments, case, at=at, state=TaskState.ACCEPTED)  # rework: its task is open again
    elif action is Action.CLOSE:
        refuse_open_tasks(assignments, case, action)  # belt and braces: feedback already refused them
    elif action is Action.EVALUATE:
        changes["satisfaction"] = step_in.satisfaction
        data["satisfaction"] = step_in.satisfaction
    elif action is Action.MERGE:
        target = _merge_target(cases, case, step_in.target_case_id)  # type: ignore[arg-type]
        changes["merged_into"] = target.id
        data["target_case_id"] = target.id
    elif action is Action.REOPEN:
        changes["satisfaction"] = None  # the reporter rates the outcome of the new round
    reason = STEPS[action].releases
    if reason is not None and passed:
        released = _release(teams=teams, assignments=assignments, case_id=case_id, at=at, reason=reason)
    if to_status is CaseStatus.CLOSED:
        cleared_alerts = _clear_alerts(alerts=alerts, case=case, at=at)
    if released:
        data["released"] = [{"assignment_id": a.id, "team_id": a.team_id} for a in released]
    # The case clock (cases/clock.py): rework after a failed verification keeps the first dispatch's handle limit.
    first_dispatch = (min((a.dispatched_at for a in assignments.for_case(case_id, active_only=True)), default=at)
                      if rules is not None and to_status is CaseStatus.RETURNED else None)
    apply_clock(case, changes, rules=rules, action=action, at=at, dispatched_at=first_dispatch)

    updated = cases.update(replace(case, **changes))
    event = cases.append_event(CaseEvent(
        case_id=case_id, action=action, actor=actor, at=at, from_status=case.status, to_status=to_status,
        note=step_in.note, data=data, role=role, attachments=step_in.attachments,
    ))
    return StepResult(updated, event, team, distance, assignment, released, cleared_alerts)


def locked_case(cases: CaseRepository, case_id: int, expected_version: int | None) -> Case:
    """Return the case locked for this unit of work, refusing a stale version before anything changes."""
    case = cases.get(case_id, for_update=True)
    if case is None:
        raise CaseNotFound(f"case {case_id}: no such case")
    if expected_version is not None and expected_version != case.version:
        raise VersionConflict(f"case {case_id}: version {expected_version} is stale; it is now version {case.version}"
                              f" and '{case.status}'", version=case.version, status=str(case.status))
    return case


def is_open_task(assignment: Assignment) -> bool:
    """Say whether an assignment is an assisting task not yet done or cancelled (联合执法: it still holds its team)."""
    return assignment.active and assignment.role is AssignmentRole.ASSISTING


def open_tasks(assignments: AssignmentRepository, case_id: int) -> list[Assignment]:
    """Return the case's assisting tasks not yet done or cancelled."""
    return [a for a in assignments.for_case(case_id, active_only=True) if is_open_task(a)]


def refuse_open_tasks(assignments: AssignmentRepository, case: Case, action: Action) -> None:
    """Raise IllegalTransition naming every open assisting task: the lead ends the case only after all of them."""
    pending = open_tasks(assignments, case.id)  # type: ignore[arg-type]
    if pending:
        named = "; ".join(f"assignment {a.id} ({a.platform}, team {a.team_id}: {a.task or 'no task text'})"
                          for a in pending)
        raise IllegalTransition(f"case {case.id}: '{action}' waits for {len(pending)} open assisting task(s): "
                                f"{named}; complete or cancel them first")


def _mark_lead(assignments: AssignmentRepository, case: Case, *, at: datetime, state: TaskState) -> None:
    """Move the active lead's task to state; feedback first refuses while any assisting task is open."""
    if state is TaskState.DONE:
        refuse_open_tasks(assignments, case, Action.FEEDBACK)
    for active in assignments.for_case(case.id, active_only=True):  # type: ignore[arg-type]
        if active.role is AssignmentRole.LEAD:
            assignments.set_state(active.id, state=state, at=at)  # type: ignore[arg-type]


def _check_needs(case: Case, step_in: StepInput) -> None:
    """Raise CaseError naming the first field the step needs and did not get."""
    for need in STEPS[step_in.action].needs:
        missing = {Need.REASON: not step_in.note.strip(), Need.PLATFORM: step_in.platform is None,
                   Need.TARGET: step_in.target_case_id is None,
                   Need.SATISFACTION: step_in.satisfaction is None or not 1 <= step_in.satisfaction <= 5}[need]
        if missing:
            what = "satisfaction from 1 to 5" if need is Need.SATISFACTION else f"'{need.value}'"
            raise CaseError(f"case {case.id}: '{step_in.action}' needs {what}")


def _merge_target(cases: CaseRepository, case: Case, target_id: int) -> Case:
    """Return the open case another is merged into; a case cannot merge into itself or into a finished one."""
    if target_id == case.id:
        raise CaseError(f"case {case.id}: body field 'target_case_id' is the case itself")
    target = cases.get(target_id)
    if target is None:
        raise CaseNotFound(f"case {case.id}: body field 'target_case_id': no case {target_id}")
    if target.status in FINISHED:
        raise CaseError(f"case {case.id}: body field 'target_case_id': case {target_id} is '{target.status}';"
                        " merge into an open case")
    return target


def _clear_alerts(*, alerts: AlertRepository, case: Case, at: datetime) -> tuple[Alert, ...]:
    """Clear the case's open alerts (its own and those linked to it): the next alarm there is a new incident."""
    found = {a.id: a for a in alerts.for_case(case.id)}  # type: ignore[arg-type]
    if case.alert_id is not None and case.alert_id not in found:
        own = alerts.get(case.alert_id)
        if own is not None:
            found[own.id] = own
    cleared = []
    for alert in sorted((a for a in found.values() if a.is_open), key=lambda a: a.id):  # type: ignore[arg-type,return-value]
        done = clear(alert, at=at)
        alerts.update(done)
        cleared.append(done)
    return tuple(cleared)


def _release(*, teams: TeamRepository, assignments: AssignmentRepository, case_id: int, at: datetime,
             reason: ReleaseReason) -> tuple[Assignment, ...]:
    """End the case's active assignments and free the teams they hold; a team busy elsewhere is not theirs to free."""
    released = []
    for active in assignments.for_case(case_id, active_only=True):
        if assignments.release(active.id, at=at, reason=reason):  # type: ignore[arg-type]
            # One active assignment per team (the store's unique index), so this one held the team.
            teams.set_status(active.team_id, TeamStatus.AVAILABLE)
            released.append(replace(active, released_at=at, release_reason=reason))
    return tuple(released)


def claim_team(*, teams: TeamRepository, locator: Locator, case: Case, team_id: str | None,
               platform: Platform | None = None) -> tuple[Team, float | None]:
    """Claim the named team, or the nearest available one of platform (default: the case's lead platform).

    The store decides who is free. Dispatch claims for the lead; joint handling claims for an assisting platform.
    """
    if team_id is not None:
        team = teams.get(team_id)
        if team is None:
            raise CaseNotFound(f"case {case.id}: no team {team_id!r}")
        if platform is not None and team.platform is not platform:
            raise CaseError(f"case {case.id}: team {team_id} is of platform '{team.platform}', not '{platform}'")
        if not teams.claim(team_id):
            raise NoTeamAvailable(f"case {case.id}: team {team_id} is {team.status}, not available")
        distance = haversine_m(case.lon, case.lat, *team.position) if team.position else None
        return replace(team, status=TeamStatus.BUSY), distance
    platform = platform or case.platform
    if platform is None:
        raise CaseError(f"case {case.id}: route it to a platform before dispatching")
    # Ranked as dispatch ranks (road time where loaded); claim() is the authority on who is free.
    best = claim_best(teams, rank_candidates(locator, platform, case.lon, case.lat))
    if best is not None:
        return best.team, best.distance_m
    raise NoTeamAvailable(f"case {case.id}: no available team of platform '{platform}'")
