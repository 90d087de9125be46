"""Case rules: report a case, take a step of the loop, dispatch the nearest available team by an assignment."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from alerts.repository import AlertRepository
from alerts.models import Alert
from alerts.service import clear
from cases.errors import CaseError, CaseNotFound, NoTeamAvailable
from cases.lifecycle import Action, next_status
from cases.locator import Locator
from cases.models import (Assignment, AssignmentRole, Case, CaseEvent, CaseSource, CaseStatus, Platform, ReleaseReason,
                          Team, TeamStatus)
from cases.repository import AssignmentRepository, CaseRepository, TeamRepository
from cases.routing import CATEGORIES, route
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


@dataclass(frozen=True, slots=True)
class StepInput:
    """A step asked of a case; only the fields its action uses matter."""

    action: Action
    note: str = ""
    team_id: str | None = None
    platform: Platform | None = None
    passed: bool = True
    satisfaction: int | None = None


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
                at: datetime) -> StepResult:
    """Open a case in 'reported', routed to its lead platform by category, and log the report."""
    if case_in.category not in CATEGORIES:
        raise CaseError(f"category {case_in.category!r}: unknown; use a code from GET /api/categories")
    case = repo.add(Case(
        title=case_in.title, category=case_in.category, source=case_in.source, status=CaseStatus.REPORTED,
        platform=route(case_in.category), lon=case_in.lon, lat=case_in.lat, grid_path=grid_path,
        created_at=at, updated_at=at, description=case_in.description, reporter=case_in.reporter,
        reporter_phone=case_in.reporter_phone, alert_id=case_in.alert_id,
    ))
    event = repo.append_event(CaseEvent(
        case_id=case.id, action=Action.REPORT, actor=actor, at=at, from_status=None, to_status=case.status,  # type: ignore[arg-type]
        note=case_in.description, data={"source": str(case_in.source), "category": case_in.category},
    ))
    return StepResult(case, event)


def take_step(*, cases: CaseRepository, teams: TeamRepository, assignments: AssignmentRepository,
              alerts: AlertRepository, locator: Locator, case_id: int, step_in: StepInput, actor: str,
              at: datetime) -> StepResult:
    """Take one step of the loop on a case, or raise IllegalTransition / CaseError / NoTeamAvailable."""
    case = cases.get(case_id, for_update=True)
    if case is None:
        raise CaseNotFound(f"case {case_id}: no such case")
    passed = step_in.passed if step_in.action is Action.VERIFY else True
    to_status = next_status(step_in.action, case.status, case_id=case_id, passed=passed)
    changes: dict[str, Any] = {"status": to_status, "updated_at": at}
    data: dict[str, Any] = {}
    team: Team | None = None
    distance: float | None = None
    assignment: Assignment | None = None
    released: tuple[Assignment, ...] = ()
    cleared_alerts: tuple[Alert, ...] = ()

    if step_in.action is Action.ROUTE:
        if step_in.platform is None:
            raise CaseError(f"case {case_id}: 'route' needs a platform")
        changes["platform"] = step_in.platform
        data["platform"] = str(step_in.platform)
    elif step_in.action is Action.DISPATCH:
        team, distance = _claim_team(teams=teams, locator=locator, case=case, team_id=step_in.team_id)
        assignment = assignments.add(Assignment(case_id=case_id, team_id=team.id, platform=team.platform,
                                                role=AssignmentRole.LEAD, dispatched_at=at, task=step_in.note))
        data.update(team_id=team.id, team_name=team.name, assignment_id=assignment.id,
                    distance_m=None if distance is None else round(distance, 1))
    elif step_in.action is Action.START:
        for active in assignments.for_case(case_id, active_only=True):
            assignments.mark_arrived(active.id, at=at)  # type: ignore[arg-type]
    elif step_in.action is Action.FEEDBACK:
        # The team's work is done once it reports back; verification is the command room's.
        released = _release(teams=teams, assignments=assignments, case_id=case_id, at=at, reason=ReleaseReason.FED_BACK)
    elif step_in.action is Action.VERIFY:
        data["passed"] = passed
    elif step_in.action is Action.CLOSE:
        released = _release(teams=teams, assignments=assignments, case_id=case_id, at=at,
                            reason=ReleaseReason.CASE_CLOSED)
        cleared_alerts = _clear_alerts(alerts=alerts, case=case, at=at)
    elif step_in.action is Action.EVALUATE:
        if case.satisfaction is not None:
            raise CaseError(f"case {case_id}: already evaluated ({case.satisfaction}/5)")
        if step_in.satisfaction is None or not 1 <= step_in.satisfaction <= 5:
            raise CaseError(f"case {case_id}: 'evaluate' needs satisfaction from 1 to 5")
        changes["satisfaction"] = step_in.satisfaction
        data["satisfaction"] = step_in.satisfaction
    if released:
        data["released"] = [{"assignment_id": a.id, "team_id": a.team_id} for a in released]

    updated = replace(case, **changes)
    cases.update(updated)
    event = cases.append_event(CaseEvent(
        case_id=case_id, action=step_in.action, actor=actor, at=at, from_status=case.status, to_status=to_status,
        note=step_in.note, data=data,
    ))
    return StepResult(updated, event, team, distance, assignment, released, cleared_alerts)


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


def _claim_team(*, teams: TeamRepository, locator: Locator, case: Case, team_id: str | None
                ) -> tuple[Team, float | None]:
    """Claim the named team, or the nearest available one of the case's platform; the store decides who is free."""
    if team_id is not None:
        team = teams.get(team_id)
        if team is None:
            raise CaseNotFound(f"case {case.id}: no team {team_id!r}")
        if not teams.claim(team_id):
            raise NoTeamAvailable(f"case {case.id}: team {team_id} is {team.status}, not available")
        distance = haversine_m(case.lon, case.lat, *team.position) if team.position else None
        return replace(team, status=TeamStatus.BUSY), distance
    if case.platform is None:
        raise CaseError(f"case {case.id}: route it to a platform before dispatching")
    # The index ranks by distance; claim() is the authority on who is free, so a stale index costs a retry, not a wrong answer.
    for ranked in locator.nearest_teams(case.platform, case.lon, case.lat):
        if teams.claim(ranked.item.id):
            return replace(ranked.item, status=TeamStatus.BUSY), ranked.distance_m
    raise NoTeamAvailable(f"case {case.id}: no available team of platform '{case.platform}'")
