"""Cases: list, read with their event log, report, and take steps of the loop."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.deps import BBoxDep, ClockDep, Format, LocatorDep, PagingDep, StoreDep
from api.routes.grids import vars_of
from api.schemas import ACTIONS, CaseReport, StepRequest
from api.serialize import case_dict, event_dict, feature_collection, page, point_feature, team_dict
from cases.errors import CaseNotFound
from cases.lifecycle import Action, allowed_actions
from cases.models import CaseStatus, Platform
from cases.routing import CATEGORIES
from cases.service import CaseCreate, StepInput, report_case, take_step
from gis.crs import normalise_position

router = APIRouter(tags=["cases"])


@router.get("/api/categories")
def list_categories() -> list[dict[str, str]]:
    """List the categories a case can have and the platform each is routed to."""
    return [{"code": c.code, "label": c.label, "platform": c.platform.value} for c in CATEGORIES.values()]


@router.get("/api/cases")
def list_cases(store: StoreDep, paging: PagingDep, bbox: BBoxDep, format: Format = "json",
               status: CaseStatus | None = None, platform: Platform | None = None,
               grid: Annotated[str | None, Query(description="a grid code at any level")] = None) -> dict[str, Any]:
    """List cases, newest first."""
    with store.unit_of_work() as uow:
        found = uow.cases.list(status=status, platform=platform, grid_code=grid, bbox=bbox, limit=paging.limit,
                               offset=paging.offset)
        total = uow.cases.count(status=status, platform=platform, grid_code=grid, bbox=bbox)
    items = [case_dict(c) for c in found]
    if format == "geojson":
        return feature_collection([point_feature(i, feature_id=i["id"]) for i in items], total=total, **vars_of(paging))
    return page(items, total=total, **vars_of(paging))


@router.get("/api/cases/{case_id}")
def get_case(store: StoreDep, case_id: Annotated[int, Path(ge=1)]) -> dict[str, Any]:
    """Return a case with its whole event log and the steps it can take next."""
    with store.unit_of_work() as uow:
        case = uow.cases.get(case_id)
        if case is None:
            raise CaseNotFound(f"case {case_id}: no such case")
        events = uow.cases.events(case_id)
        team = uow.teams.get(case.team_id) if case.team_id else None
    return {**case_dict(case), "events": [event_dict(e) for e in events],
            "team": team_dict(team) if team else None,
            "next_actions": [a.value for a in allowed_actions(case.status)]}


@router.post("/api/cases", status_code=201)
def create_case(store: StoreDep, locator: LocatorDep, clock: ClockDep, case_in: CaseReport) -> dict[str, Any]:
    """Report a case (grid staff, citizen, hotline); it is located in its grids and routed by category."""
    lon, lat = normalise_position(case_in.lon, case_in.lat, case_in.crs, where="body lon/lat")
    now = clock()
    with store.unit_of_work() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        result = report_case(repo=uow.cases, case_in=CaseCreate(
            title=case_in.title, category=case_in.category, lon=lon, lat=lat, source=case_in.source,
            description=case_in.description, reporter=case_in.reporter, reporter_phone=case_in.reporter_phone,
        ), grid_path=locator.grid_path(lon, lat), actor=case_in.actor, at=now)
        uow.feed.append("case.opened", {"case": case_dict(result.case)}, at=now)
    return {**case_dict(result.case), "events": [event_dict(result.event)]}


@router.post("/api/cases/{case_id}/actions/{action}")
def act_on_case(store: StoreDep, locator: LocatorDep, clock: ClockDep, case_id: Annotated[int, Path(ge=1)],
                action: Annotated[str, Path(description=f"one of {', '.join(ACTIONS)}")],
                step: StepRequest) -> dict[str, Any]:
    """Take one step of the closed loop; a step not allowed now answers 409 with the reason."""
    if action not in ACTIONS:
        raise CaseNotFound(f"path 'action' {action!r}: no such step; use one of {', '.join(ACTIONS)}")
    now = clock()
    with store.unit_of_work() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        result = take_step(cases=uow.cases, teams=uow.teams, alerts=uow.alerts, locator=locator, case_id=case_id,
                           step_in=StepInput(Action(action), **step.action_fields()), actor=step.actor, at=now)
        uow.feed.append("case.updated", {"case": case_dict(result.case), "event": event_dict(result.event)}, at=now)
        if result.team is not None:
            uow.feed.append("team.assigned", {"case_id": case_id, "team": team_dict(result.team),
                                              "distance_m": result.distance_m}, at=now)
    return {**case_dict(result.case), "event": event_dict(result.event),
            "team": team_dict(result.team) if result.team else None, "distance_m": result.distance_m,
            "next_actions": [a.value for a in allowed_actions(result.case.status)]}
