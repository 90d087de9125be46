"""Answers of the city hand-off: the outbox as the command room sees it, and the answer to an inbound message."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from api.responses.common import Instant, Page, ReadModel


class OutboxMessageRead(ReadModel):
    """A message for the city: what it says, how its delivery stands."""

    id: int
    case_id: int
    kind: str
    state: Literal["pending", "delivered", "failed"]
    idempotency_key: str
    payload: dict[str, Any]
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
