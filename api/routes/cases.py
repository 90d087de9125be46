"""Cases: list and read within the caller's reach, report, and take steps of the loop."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response

from access.errors import Forbidden
from access.models import Principal, Role
from access.policy import can_see_case, case_reach, check_action, redact_case, roles_for_action
from api.deps import BBoxDep, CaseClockDep, ClockDep, Format, IdPath, LocatorDep, PagingDep, StoreDep
from api.duplicates import possible_duplicates
from api.responses import CaseDetail, CaseList, CategoryRead, LifecycleRead, ReportAnswer, StepAnswer
from api.schemas import ACTIONS, CaseReport, StepRequest
from api.security import AnyUser, CaseReader, CaseReporter, OpsReader
from api.classifier import classifier_for
from api.serialize import (assignment_dict, case_dict, event_dict, feature_collection, page, point_feature, task_dict,
                           team_dict)
from api.uploads import CheckedFile, discard_attachments, store_attachment
from cases.errors import CaseError, CaseNotFound
from cases.joint import assisting_platforms
from cases.lifecycle import STATUS_LABELS, STEPS, Action, allowed_actions
from cases.locator import Locator
from cases.models import AssignmentRole, Case, CaseSource, CaseStatus, Platform
from cases.queues import Queue, queue_bounds
from cases.repository import Involving
from cases.service import CaseCreate, StepInput, StepResult, is_open_task
from cases.taxonomy import Taxonomy
from cases.taxonomy_service import active_taxonomy
from cases.triage import file_report
from cases.use_cases import report_case_and_announce, take_step_and_announce
from gis.crs import normalise_position
from storage import Store, UnitOfWork

router = APIRouter(tags=["cases"])

# Who may say where a report came from; sensors and cameras report only through the ingest.
SOURCES_BY_ROLE: dict[Role, frozenset[CaseSource]] = {
    Role.ADMIN: frozenset({CaseSource.GRID_STAFF, CaseSource.CITIZEN, CaseSource.HOTLINE}),
    Role.OPERATOR: frozenset({CaseSource.GRID_STAFF, CaseSource.CITIZEN, CaseSource.HOTLINE}),
    Role.GRID_STAFF: frozenset({CaseSource.GRID_STAFF}),
}
DEFAULT_SOURCE = {"user": CaseSource.GRID_STAFF, "api_key": CaseSource.CITIZEN}


def visible_case(uow: UnitOfWork, principal: Principal, case_id: int) -> Case:
    """Return the case if it exists within the principal's reach; otherwise 404, never 403, so ids reveal nothing."""
    case = uow.cases.get(case_id)
    if case is not None and not can_see_case(principal, case):
        # Joint handling: a member of an assisting team sees the case its team holds or held a task on.
        teams = {a.team_id for a in uow.assignments.for_case(case_id)}
        case = case if can_see_case(principal, case, teams_on_case=teams) else None
    if case is None:
        raise CaseNotFound(f"case {case_id}: no such case")
    return case


def active_teams(uow: UnitOfWork, case_id: int) -> set[str]:
    """Return the ids of the teams the case's active lead assignments hold: only the lead works the loop's steps."""
    return {a.team_id for a in uow.assignments.for_case(case_id, active_only=True) if a.role is AssignmentRole.LEAD}


def _next_actions(principal: Principal, case: Case, teams: set[str]) -> list[str]:
    allowed = []
    for action in allowed_actions(case.status):
        try:
            check_action(principal, case, action, assigned_teams=teams)
        except Forbidden:
            continue
        allowed.append(action.value)
    return allowed


@router.get("/api/categories", response_model=list[CategoryRead])
def list_categories(store: StoreDep, _who: OpsReader) -> list[dict[str, str]]:
    """List the categories (sub-categories of the active taxonomy) a case can have and the platform of each."""
    with store.read_only() as uow:
        taxonomy, _ = active_taxonomy(versions=uow.taxonomy_versions)
    return [{"code": c.code, "label": c.zh, "label_en": c.en, "platform": c.platform.value}
            for c in taxonomy.subcategories.values()]


@router.get("/api/lifecycle", response_model=LifecycleRead)
def get_lifecycle(_who: AnyUser) -> dict[str, Any]:
    """Describe the closed loop: statuses in order, and for each step where it is allowed, where it leads, who may take it."""
    return {
        "statuses": [{"code": status.value, "label": label} for status, label in STATUS_LABELS.items()],
        "actions": [{
            "action": action.value,
            "allowed_from": [status.value for status in CaseStatus if status in step.allowed_from],
            "leads_to": step.leads_to.value,
            "on_fail": step.on_fail.value if step.on_fail else None,
            "main_line": step.main_line,
            "requires": [need.value for need in step.needs],
            "releases_teams": step.releases is not None,
            "roles": [role.value for role in roles_for_action(action)],
            # A platform member works only on cases its own team is assigned to.
            "assigned_team_only": [Role.PLATFORM_MEMBER.value] if Role.PLATFORM_MEMBER in roles_for_action(action) else [],
        } for action, step in STEPS.items()],
    }


@router.get("/api/cases", response_model=CaseList)
def list_cases(store: StoreDep, principal: CaseReader, paging: PagingDep, bbox: BBoxDep, clock: ClockDep,
               format: Format = "json",
               status: CaseStatus | None = None, platform: Platform | None = None,
               grid: Annotated[str | None, Query(description="a grid code at any level")] = None,
               triage: Annotated[bool | None, Query(description="true: the triage queue (the classifier was not "
                                                                "sure); false: the cases filed")] = None,
               mine: Annotated[bool, Query(description="true: only the caller's own cases, those they reported "
                                                       "and those their team holds an active assignment on")] = False,
               queue: Annotated[Queue | None, Query(description="a work queue (GET /api/queues)")] = None,
               ) -> dict[str, Any]:
    """List the cases within the caller's reach, newest first."""
    reach = case_reach(principal)
    now = clock()
    if reach.platform is not None and platform not in (None, reach.platform):
        found, total = [], 0
    else:
        filters = {"status": status, "platform": reach.platform or platform, "grid_code": grid,
                   "any_grid": reach.grid_codes, "bbox": bbox, "triage": triage,
                   "involving": Involving(principal.actor, principal.team_id) if mine else None,
                   "queue": None if queue is None else queue_bounds(queue, now=now)}
        with store.read_only() as uow:
            found = uow.cases.list(**filters, limit=paging.limit, offset=paging.offset)
            total = uow.cases.count(**filters)
    items = [redact_case(principal, case_dict(c, now=now)) for c in found]
    if format == "geojson":
        return feature_collection([point_feature(i, feature_id=i["id"]) for i in items], total=total, **paging.window)
    return page(items, total=total, **paging.window)


def etag(case: Case) -> str:
    """Return the case's version as an entity tag: what a step sends back in If-Match."""
    return f'"{case.version}"'


def expected_version(if_match: str | None) -> int | None:
    """Return the version an If-Match header names ("3", W/"3" or 3), None without one; refuse anything else."""
    if if_match is None or if_match.strip() == "*":
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 2**31:
        raise CaseError(f"header 'If-Match' {if_match[:40]!r}: give the case's version as ETag sent it, e.g. \"3\"")
    return int(text)


@router.get("/api/cases/{case_id}", response_model=CaseDetail)
def get_case(store: StoreDep, principal: CaseReader, case_id: IdPath, response: Response,
             clock: ClockDep) -> dict[str, Any]:
    """Return a case with its event log, its assignments, the lead team and the steps the caller may take next."""
    with store.read_only() as uow:
        case = visible_case(uow, principal, case_id)
        events = uow.cases.events(case_id)
        assignments = uow.assignments.for_case(case_id)
        active = {a.team_id for a in assignments if a.active and a.role == "lead"}
        lead = next((a for a in reversed(assignments) if a.active and a.role == "lead"), None)
        team = uow.teams.get(lead.team_id) if lead else None
    # The lead's feedback waits for every open assisting task (the server refuses it with 409 and names them).
    waiting = any(is_open_task(a) for a in assignments)
    next_actions = [a for a in _next_actions(principal, case, active) if not (waiting and a == Action.FEEDBACK)]
    response.headers["ETag"] = etag(case)
    return {**redact_case(principal, case_dict(case, now=clock())), "events": [event_dict(e) for e in events],
            "assignments": [assignment_dict(a) for a in assignments], "team": team_dict(team) if team else None,
            "next_actions": next_actions, "tasks": [task_dict(a) for a in assignments],
            "assisting_platforms": assisting_platforms(assignments)}


@router.post("/api/cases", status_code=201, response_model=ReportAnswer)
def create_case(request: Request, store: StoreDep, locator: LocatorDep, clock: ClockDep, principal: CaseReporter,
                case_in: CaseReport) -> dict[str, Any]:
    """Report a case (grid staff, hotline, Open311 clients); located in its grids, classified when it names no
    category (unsure: triage), and routed by category."""
    return report(request, store=store, locator=locator, at=clock(), principal=principal, case_in=case_in)


def report(request: Request, *, store: Store, locator: Locator, at: datetime, principal: Principal,
           case_in: CaseReport, files: Sequence[CheckedFile] = ()) -> dict[str, Any]:
    """Open a reported case and store its checked files, all in one unit of work; return the answer's fields."""
    request.app.state.intake_limiter.hit(principal.actor)
    source, lon, lat = checked_report(principal, case_in)
    attachments_dir = request.app.state.attachments_dir
    case_id: int | None = None
    try:
        with store.unit_of_work() as uow:
            taxonomy = prepare_intake(uow, request, locator)
            result, duplicates = open_report(uow, request, locator=locator, taxonomy=taxonomy, at=at,
                                             principal=principal, case_in=case_in, source=source, lon=lon, lat=lat)
            case_id = result.case.id
            attached = [store_attachment(uow.cases, attachments_dir=attachments_dir, case=result.case, file=f,
                                         actor=principal.actor, at=at, role=str(principal.role)) for f in files]
    except BaseException:
        # The case was never stored: its files must not linger (SQLite may give its id to the next case).
        if case_id is not None and files:
            discard_attachments(attachments_dir, case_id, files)
        raise
    events = [event_dict(e) for e in (result.event, *attached)]
    return {**redact_case(principal, case_dict(result.case, now=at)), "events": events,
            "possible_duplicates": duplicates}


def checked_report(principal: Principal, case_in: CaseReport) -> tuple[CaseSource, float, float]:
    """Return the report's source and WGS-84 position, or raise Forbidden / GisError naming the field."""
    source = case_in.source or DEFAULT_SOURCE[principal.kind]
    allowed = SOURCES_BY_ROLE.get(principal.role, frozenset()) if principal.kind == "user" else {CaseSource.CITIZEN}
    if source not in allowed:
        raise Forbidden(f"body field 'source' {source.value!r}: role '{principal.role}' may report only as "
                        + ", ".join(sorted(s.value for s in allowed)))
    lon, lat = normalise_position(case_in.lon, case_in.lat, case_in.crs, where="body lon/lat")
    return source, lon, lat


def prepare_intake(uow: UnitOfWork, request: Request, locator: Locator) -> Taxonomy:
    """Refresh the locator in uow and return the active taxonomy: once per unit of work, however many reports."""
    locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
    # One cached source for the taxonomy: the clock's rules (invalidated when a taxonomy is stored), not a query.
    return request.app.state.case_clock.rules(uow).taxonomy


def open_report(uow: UnitOfWork, request: Request, *, locator: Locator, taxonomy: Taxonomy, at: datetime,
                principal: Principal, case_in: CaseReport, source: CaseSource, lon: float, lat: float,
                ) -> tuple[StepResult, list[dict[str, Any]]]:
    """Classify, locate, route and open one checked report in uow (with its reporter, feed entry and clock);
    return the result and the possible duplicates the caller may see. The single and the batch intake share it."""
    filing = file_report(category=case_in.category, title=case_in.title, description=case_in.description,
                         classifier=None if case_in.category else classifier_for(request.app.state, taxonomy))
    result = report_case_and_announce(uow, case_in=CaseCreate(
        title=case_in.title, category=filing.category, lon=lon, lat=lat, source=source,
        description=case_in.description, reporter=case_in.reporter, reporter_phone=case_in.reporter_phone,
        confidence=filing.confidence, triage=filing.triage,
    ), grid_path=locator.grid_path(lon, lat), actor=principal.actor, at=at, role=str(principal.role),
        taxonomy=taxonomy, case_clock=request.app.state.case_clock)
    return result, possible_duplicates(uow, request, principal, result.case)


@router.post("/api/cases/{case_id}/actions/{action}", response_model=StepAnswer)
def act_on_case(store: StoreDep, locator: LocatorDep, clock: ClockDep, principal: CaseReader,
                case_id: IdPath, case_clock: CaseClockDep,
                action: Annotated[str, Path(description=f"one of {', '.join(ACTIONS)}")],
                step: StepRequest, response: Response,
                if_match: Annotated[str | None, Header(description='the version the caller saw: "<version>" as ETag '
                                                                   'gave it; a stale one answers 409')] = None,
                ) -> dict[str, Any]:
    """Take one step of the loop: 403 if the caller's role may not, 409 with the reason if the case cannot now."""
    if action not in ACTIONS:
        raise CaseNotFound(f"path 'action' {action!r}: no such step; use one of {', '.join(ACTIONS)}")
    version = expected_version(if_match)
    fields = step.model_dump()
    fields["attachments"] = tuple(fields["attachments"])
    now = clock()
    with store.unit_of_work() as uow:
        check_action(principal, visible_case(uow, principal, case_id), Action(action),
                     assigned_teams=active_teams(uow, case_id))
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        result = take_step_and_announce(uow, locator=locator, case_id=case_id, actor=principal.actor, at=now,
                                        role=str(principal.role), expected_version=version,
                                        step_in=StepInput(Action(action), **fields), case_clock=case_clock)
        teams_now = active_teams(uow, case_id)
    response.headers["ETag"] = etag(result.case)
    return {**redact_case(principal, case_dict(result.case, now=now)), "event": event_dict(result.event),
            "team": team_dict(result.team) if result.team else None, "distance_m": result.distance_m,
            "eta_s": result.assignment.eta_s if result.assignment else None,
            "assignment": assignment_dict(result.assignment) if result.assignment else None,
            "next_actions": _next_actions(principal, result.case, teams_now)}
