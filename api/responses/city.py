"""Answers of the city hand-off: the outbox as the command room sees it, and the answer to an inbound message."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from api.responses.common import Instant, Page, ReadModel


class EscalatedCaseRead(ReadModel):
    """The case as the city is told of it: no reporter name or phone (cases/handoff/payloads.py says why)."""

    id: int
    title: str
    category: str
    description: str
    source: str
    platform: str | None
    priority: str
    department: str
    lon: float
    lat: float
    crs: Annotated[str, Field(description="EPSG:4326: lon/lat in WGS-84")]
    grid_path: list[str]
    reported_at: Annotated[str, Field(description="ISO 8601 time the case was reported")]


class AttachmentRef(ReadModel):
    """A file of the case: a URL path on the town's API (fetched with the city's API key) or a stored reference."""

    url: str
    sha256: str | None
    content_type: str
    size: int | None


class EscalationRead(ReadModel):
    """The JSON body the city's webhook receives for an escalated case."""

    kind: Literal["escalation"]
    idempotency_key: str
    escalated_at: Annotated[str, Field(description="ISO 8601 time of the escalation")]
    reason: Annotated[str, Field(description="why the matter is not the town's (事权不在本级)")]
    escalated_by_role: str
    case: EscalatedCaseRead
    attachments: list[AttachmentRef]


class OutboxMessageRead(ReadModel):
    """A message for the city: what it says, how its delivery stands."""

    id: int
    case_id: int
    kind: str
    state: Literal["pending", "delivered", "failed"]
    idempotency_key: str
    payload: EscalationRead
    created_at: Instant
    attempts: Annotated[int, Field(ge=0, description="deliveries tried so far (a claim counts one)")]
    next_attempt_at: Annotated[Instant, Field(description="pending: due for delivery from then")]
    last_error: str
    delivered_at: Instant | None
    gave_up_at: Instant | None


class OutboxPage(Page[OutboxMessageRead]):
    """A page of the outbox, with every state's count and whether a webhook is configured."""

    counts: Annotated[dict[str, int], Field(description="messages per state: pending, delivered, failed")]
    webhook_configured: Annotated[bool, Field(description="false: pending messages wait until one is")]


class InboundAnswer(ReadModel):
    """What a message from the city did; a replay (the same message_id again) gets the first answer."""

    message_id: str
    kind: Literal["status", "handdown"]
    case_id: int
    outcome: Annotated[Literal["accepted", "closed", "handed_back", "opened"],
                       Field(description="accepted/closed: noted on the case; handed_back: the case is the town's "
                                         "again (registered); opened: a new case with source city")]
    replay: Annotated[bool, Field(description="true: this message_id was handled before; nothing was done again")]
