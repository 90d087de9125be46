"""Outbox messages to the city and inbound messages from it, as the store keeps them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

ESCALATION = "escalation"  # the one outbound kind: a case the town hands up (事权不在本级)


class OutboxState(StrEnum):
    """Where an outbox message stands: waiting (first try or a retry), taken by the city, or given up on."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class InboundKind(StrEnum):
    """What the city sends in: a status of a case the town escalated, or a case it hands down (交办)."""

    STATUS = "status"
    HANDDOWN = "handdown"


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A message for the city's webhook, written in the unit of work that caused it and sent later by a job."""

    case_id: int
    kind: str
    payload: dict[str, Any] = field(hash=False)
    idempotency_key: str
    created_at: datetime
    next_attempt_at: datetime
    attempts: int = 0
    last_error: str = ""
    delivered_at: datetime | None = None
    gave_up_at: datetime | None = None
    id: int | None = None

    @property
    def state(self) -> OutboxState:
        """Return whether the message waits, was delivered, or was given up on."""
        if self.delivered_at is not None:
            return OutboxState.DELIVERED
        if self.gave_up_at is not None:
            return OutboxState.FAILED
        return OutboxState.PENDING


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A message the city sent in, kept once by its id with the answer it got (a replay gets the same answer)."""

    message_id: str
    received_at: datetime
    kind: InboundKind
    payload: dict[str, Any] = field(hash=False)
    result: dict[str, Any] = field(hash=False)
    case_id: int | None = None
    city_ref: str = ""
