"""Joint handling (联合执法): the command room adds and cancels assisting tasks; the assisting team reports one done."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response

from access.policy import check_task
from api.deps import ClockDep, IdPath, LocatorDep, StoreDep
from api.responses.cases import TaskAnswer
from api.routes.cases import etag, expected_version, visible_case
from api.schemas_tasks import TaskCreate, TaskDone
from api.security import CaseCommander, CaseReader
from api.serialize import event_dict, task_dict
from cases.joint import (TaskResult, add_task_and_announce, cancel_task_and_announce, complete_task_and_announce,
                         open_task)

router = APIRouter(tags=["cases"])


def _answer(result: TaskResult, response: Response) -> dict[str, Any]:
    response.headers["ETag"] = etag(result.case)
    return {"case_id": result.case.id, "status": result.case.status, "version": result.case.version,
            "task": task_dict(result.assignment), "event": event_dict(result.event), "distance_m": result.distance_m}


@router.post("/api/cases/{case_id}/tasks", status_code=201, response_model=TaskAnswer)
def add_task(store: StoreDep, locator: LocatorDep, clock: ClockDep, principal: CaseCommander, case_id: IdPath,
             body: TaskCreate, response: Response,
             if_match: Annotated[str | None, Header(description='the version the caller saw: "<version>" as ETag '
                                                                'gave it; a stale one answers 409')] = None,
             ) -> dict[str, Any]:
    """Send a team of an assisting platform to the case with its task: 409 once the lead has fed back."""
    version = expected_version(if_match)
    now = clock()
    with store.unit_of_work() as uow:
        visible_case(uow, principal, case_id)
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        result = add_task_and_announce(uow, locator=locator, case_id=case_id, platform=body.platform, task=body.task,
                                       team_id=body.team_id, actor=principal.actor, at=now, role=str(principal.role),
                                       expected_version=version)
    return _answer(result, response)


@router.post("/api/cases/{case_id}/tasks/{assignment_id}/done", response_model=TaskAnswer)
def complete_task(store: StoreDep, clock: ClockDep, principal: CaseReader, case_id: IdPath, assignment_id: IdPath,
                  body: TaskDone, response: Response) -> dict[str, Any]:
    """Report an assisting task done (a member of its own team, or the command room); its team is free again."""
    now = clock()
    with store.unit_of_work() as uow:
        case = visible_case(uow, principal, case_id)
        check_task(principal, case, open_task(uow.assignments, case_id, assignment_id), completing=True)
        result = complete_task_and_announce(uow, case_id=case_id, assignment_id=assignment_id, note=body.note,
                                            attachments=tuple(body.attachments), actor=principal.actor, at=now,
                                            role=str(principal.role))
    return _answer(result, response)


@router.delete("/api/cases/{case_id}/tasks/{assignment_id}", response_model=TaskAnswer)
def cancel_task(store: StoreDep, clock: ClockDep, principal: CaseCommander, case_id: IdPath, assignment_id: IdPath,
                response: Response,
                note: Annotated[str, Query(max_length=2000, description="why the task is withdrawn")] = "",
                ) -> dict[str, Any]:
    """Withdraw an assisting task that is no longer needed; its team is free again."""
    now = clock()
    with store.unit_of_work() as uow:
        visible_case(uow, principal, case_id)
        result = cancel_task_and_announce(uow, case_id=case_id, assignment_id=assignment_id, note=note,
                                          actor=principal.actor, at=now, role=str(principal.role))
    return _answer(result, response)
