"""Bodies the city platform sends to POST /api/city/inbound: a status of an escalated case, or a hand-down (交办)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, TypeAdapter, model_validator

from api.schemas import CRS_HELP, Strict
from cases.handoff.inbound import CityStatus

MessageId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:-]+$",
                                 description="the city's unique id of this message; a redelivery repeats it")]
CityRef = Annotated[str, Field(max_length=100, description="the city platform's own reference of the case")]


class CityStatusIn(Strict):
    """The city's word on a case the town escalated."""

    kind: Literal["status"]
    message_id: MessageId
    case_id: Annotated[int, Field(ge=1, le=2**63 - 1, description="the town's case id (case.id of the escalation)")]
    status: Annotated[CityStatus, Field(description="accepted, closed (with result) or returned (with note)")]
    note: Annotated[str, Field(max_length=2000, description="returned: why the matter is the town's")] = ""
    result: Annotated[str, Field(max_length=4000, description="closed: the outcome the reporter is told")] = ""
    city_ref: CityRef = ""

    @model_validator(mode="after")
    def _says_what_it_must(self) -> CityStatusIn:
        if self.status is CityStatus.CLOSED and not self.result.strip():
            raise ValueError("field 'result': a 'closed' status needs the outcome the reporter is told")
        if self.status is CityStatus.RETURNED and not self.note.strip():
            raise ValueError("field 'note': a 'returned' status needs the reason the matter is the town's")
        return self


class CityHanddownIn(Strict):
    """A case the city hands down to the town (交办)."""

    kind: Literal["handdown"]
    message_id: MessageId
    city_ref: Annotated[str, Field(min_length=1, max_length=100, description="the city's reference of the case")]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    category: Annotated[str, Field(min_length=1, max_length=64, description="a code from GET /api/categories")]
    description: Annotated[str, Field(max_length=4000)] = ""
    lon: Annotated[float, Field(allow_inf_nan=False)]
    lat: Annotated[float, Field(allow_inf_nan=False)]
    crs: Annotated[str, Field(max_length=64, description=CRS_HELP)] = "wgs84"
    due_at: Annotated[AwareDatetime | None, Field(description="when the city wants it handled (with its zone)")] = None
    attachments: Annotated[list[Annotated[str, Field(min_length=1, max_length=500)]],
                           Field(max_length=20, description="URLs of the city's files on the matter")] = []


CityMessageIn = Annotated[CityStatusIn | CityHanddownIn, Field(discriminator="kind")]
CITY_MESSAGE = TypeAdapter(CityMessageIn)
