"""Suggested teams for a case: dispatch's own ranking, shown to the operator before choosing."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import IdPath, LocatorDep, StoreDep
from api.responses.suggestions import SuggestionList
from api.routes.cases import visible_case
from api.security import CaseReader
from cases.dispatch import refused_teams, suggested_candidates
from cases.errors import CaseError
from cases.models import Platform

router = APIRouter(tags=["cases"])


def _metres(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(value, 1)


@router.get("/api/cases/{case_id}/suggestions", response_model=SuggestionList)
def suggest_teams(store: StoreDep, locator: LocatorDep, principal: CaseReader, case_id: IdPath,
                  platform: Annotated[Platform | None, Query(description="another platform than the case's, e.g. "
                                                                         "one to route to or an assisting one")] = None,
                  limit: Annotated[int, Query(ge=1, le=50, description="how many teams at most")] = 10,
                  ) -> dict[str, Any]:
    """List the teams dispatch would offer the case, best first (teams that refused it and teams on it left out)."""
    with store.read_only() as uow:
        case = visible_case(uow, principal, case_id)
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        on_case = {a.team_id for a in uow.assignments.for_case(case_id, active_only=True)}
        exclude = on_case | refused_teams(uow.assignments, case_id)
    chosen = platform or case.platform
    if chosen is None:
        raise CaseError(f"case {case_id}: not routed to a platform yet; give query 'platform' to see its teams")
    found = suggested_candidates(locator, chosen, case.lon, case.lat, exclude=exclude, limit=limit)
    return {"platform": chosen, "teams": [{
        "team_id": c.team.id, "name": c.team.name, "platform": c.team.platform, "status": c.team.status,
        "distance_m": _metres(c.distance_m), "eta_s": None if c.eta_s is None else round(c.eta_s, 1),
    } for c in found]}
