"""Request bodies; unknown fields are refused so a client cannot set what it may not."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from cases.lifecycle import Action
from cases.models import CaseSource, Platform

Actor = Annotated[str, Field(min_length=1, max_length=64, description="Who takes the step (until accounts exist)")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseReport(Strict):
    """A case reported by grid staff, a citizen or the hotline."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    category: Annotated[str, Field(min_length=1, max_length=64, description="A code from GET /api/categories")]
    description: Annotated[str, Field(max_length=4000)] = ""
    lon: float
    lat: float
    crs: Annotated[str, Field(description="wgs84 (default), gcj02 or bd09")] = "wgs84"
    source: CaseSource = CaseSource.GRID_STAFF
    reporter: Annotated[str, Field(max_length=64)] = ""
    reporter_phone: Annotated[str, Field(max_length=32, pattern=r"^[0-9+\- ]*$")] = ""
    actor: Actor


class StepRequest(Strict):
    """A step of the loop; only the fields its action uses are read."""

    actor: Actor
    note: Annotated[str, Field(max_length=2000)] = ""
    team_id: Annotated[str | None, Field(max_length=64, description="dispatch: this team instead of the nearest")] = None
    platform: Annotated[Platform | None, Field(description="route: the new lead platform")] = None
    passed: Annotated[bool, Field(description="verify: false sends the case back to handling")] = True
    satisfaction: Annotated[int | None, Field(ge=1, le=5, description="evaluate: the reporter's satisfaction")] = None

    def action_fields(self) -> dict[str, object]:
        """Return the fields besides actor, for cases.service.StepInput."""
        return self.model_dump(exclude={"actor"})


ACTIONS = tuple(a.value for a in Action if a is not Action.REPORT)
