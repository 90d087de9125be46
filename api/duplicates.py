"""Possible duplicates of a case as the API answers them: within the app's search, only cases the caller may see."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from access.models import Principal
from access.policy import can_see_case
from cases.duplicates import duplicate_candidates
from cases.models import Case
from storage import UnitOfWork


def possible_duplicates(uow: UnitOfWork, request: Request, principal: Principal, case: Case) -> list[dict[str, Any]]:
    """Return the open cases the case may duplicate (GRIDWATCH_DUPLICATE_*) that the caller may see, nearest first."""
    found = duplicate_candidates(uow.cases, case=case, search=request.app.state.duplicate_search)
    return [{"id": d.case.id, "title": d.case.title, "distance_m": round(d.distance_m, 1),
             "created_at": d.case.created_at, "status": d.case.status}
            for d in found if can_see_case(principal, d.case)]
