"""Assignments: which team is sent to which case; the map draws a line for every active one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from access.models import Principal
from access.policy import can_see_case, case_reach
from api.deps import MAX_ID, PagingDep, StoreDep
from api.routes.cases import visible_case
from api.responses import AssignmentPage
from api.security import OpsReader
from api.serialize import assignment_dict, page

router = APIRouter(tags=["cases"])

# More active assignments than this would mean more teams than any town has.
MAX_ACTIVE = 10_000


def _bounded(principal: Principal) -> bool:
    reach = case_reach(principal)
    return reach.platform is not None or reach.grid_codes is not None


@router.get("/api/assignments", response_model=AssignmentPage)
def list_assignments(store: StoreDep, principal: OpsReader, paging: PagingDep,
                     case_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="every assignment of this case")]
                     = None) -> dict[str, Any]:
    """List the active assignments (oldest first) within the caller's reach, or every assignment of one case."""
    with store.unit_of_work() as uow:
        if case_id is not None:
            visible_case(uow, principal, case_id)
            found = uow.assignments.for_case(case_id)
            total = len(found)
            found = found[paging.offset:paging.offset + paging.limit]
        elif _bounded(principal):
            # A team holds one active assignment at most, so all of them are few; check each one's case.
            active = uow.assignments.active(limit=MAX_ACTIVE)
            cases = {cid: uow.cases.get(cid) for cid in {a.case_id for a in active}}
            # A member's own team's assisting task on another platform's case is theirs to see (联合执法).
            found = [a for a in active if (c := cases[a.case_id]) is not None
                     and can_see_case(principal, c, teams_on_case={a.team_id})]
            total = len(found)
            found = found[paging.offset:paging.offset + paging.limit]
        else:
            found = uow.assignments.active(limit=paging.limit, offset=paging.offset)
            total = uow.assignments.count_active()
    return page([assignment_dict(a) for a in found], total=total, **paging.window)
