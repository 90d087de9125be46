"""The work queues: how many cases wait in each, within the caller's reach (the list is GET /api/cases?queue=)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from access.policy import case_reach
from api.deps import ClockDep, StoreDep
from api.responses.queues import QueuesRead
from api.security import CaseReader
from cases.models import Platform
from cases.queues import QUEUES, queue_bounds

router = APIRouter(tags=["cases"])


@router.get("/api/queues", response_model=QueuesRead)
def get_queues(store: StoreDep, principal: CaseReader, clock: ClockDep, platform: Platform | None = None,
               grid: Annotated[str | None, Query(max_length=64, description="a grid code at any level")] = None,
               ) -> dict[str, Any]:
    """Count the cases in each queue, as GET /api/cases?queue= would total them for the same filters."""
    now = clock()
    reach = case_reach(principal)
    if reach.platform is not None and platform not in (None, reach.platform):
        return {"at": now, "queues": [{"queue": q, "count": 0} for q in QUEUES]}
    with store.read_only() as uow:
        counts = [uow.cases.count(platform=reach.platform or platform, grid_code=grid, any_grid=reach.grid_codes,
                                  queue=queue_bounds(q, now=now)) for q in QUEUES]
    return {"at": now, "queues": [{"queue": q, "count": n} for q, n in zip(QUEUES, counts)]}
