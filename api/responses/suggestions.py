"""Answers about the teams the command room could send to a case, in the order dispatch would try them."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.responses.common import ReadModel
from cases.models import Platform, TeamStatus


class SuggestedTeam(ReadModel):
    """A team of the platform with its straight-line distance and, while it is available, its estimated arrival."""

    team_id: str
    name: str
    platform: Platform
    status: TeamStatus
    distance_m: Annotated[float | None, Field(ge=0, description="metres from the case in a straight line")]
    eta_s: Annotated[float | None, Field(ge=0, description="seconds to the case by road where roads are loaded, "
                                                           "else estimated from the distance; null for busy teams")]


class SuggestionList(ReadModel):
    """The teams of one platform for a case, best first: those available by ETA, then the busy ones by distance."""

    platform: Platform
    teams: list[SuggestedTeam]
