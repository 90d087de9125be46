"""Request bodies; unknown fields are refused (422) so a client cannot set what it may not (mass assignment)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cases.lifecycle import Action
from cases.models import CaseSource, Platform


class Strict(BaseModel):
    """A body that refuses fields it does not declare, and text no store can keep."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL text cannot hold U+0000; refuse it here as bad input rather than fail in the store.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("contains a NUL character")
        return value


class CaseReport(Strict):
    """A case reported by grid staff, a citizen or the hotline."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    category: Annotated[str, Field(min_length=1, max_length=64, description="A code from GET /api/categories")]
    description: Annotated[str, Field(max_length=4000)] = ""
    lon: float
    lat: float
    crs: Annotated[str, Field(description="wgs84 (default), gcj02 or bd09")] = "wgs84"
    source: Annotated[CaseSource | None, Field(description="default: grid_staff for people, citizen for API keys")] = None
    reporter: Annotated[str, Field(max_length=64)] = ""
    reporter_phone: Annotated[str, Field(max_length=32, pattern=r"^[0-9+\- ]*$")] = ""


class StepRequest(Strict):
    """A step of the loop; only the fields its action uses are read. Who takes it comes from the token."""

    note: Annotated[str, Field(max_length=2000)] = ""
    team_id: Annotated[str | None, Field(max_length=64, description="dispatch: this team instead of the nearest")] = None
    platform: Annotated[Platform | None, Field(description="route: the new lead platform")] = None
    passed: Annotated[bool, Field(description="verify: false sends the case back to handling")] = True
    satisfaction: Annotated[int | None, Field(ge=1, le=5, description="evaluate: the reporter's satisfaction")] = None


ACTIONS = tuple(a.value for a in Action if a is not Action.REPORT)


class AlertAcknowledge(Strict):
    """An operator's acknowledgement of an alert: what they saw or decided."""

    note: Annotated[str, Field(max_length=2000, description="what the operator saw or decided")] = ""
