"""The stores the city hand-off needs; storage backends implement them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from cases.handoff.models import InboundMessage, OutboxMessage, OutboxState


class CityOutboxRepository(Protocol):
    def add(self, message: OutboxMessage) -> OutboxMessage:
        """Store a new message and return it with its id; an idempotency key already stored raises StorageError."""
        ...

    def get(self, message_id: int) -> OutboxMessage | None:
        """Return the message, or None."""
        ...

    def list(self, *, state: OutboxState | None = None, limit: int = 100, offset: int = 0) -> list[OutboxMessage]:
        """Return messages in a state (None: all), newest first."""
        ...

    def count(self, *, state: OutboxState | None = None) -> int:
        """Return how many messages are in a state (None: all)."""
        ...

    def claim_due(self, *, now: datetime, lease_until: datetime, limit: int) -> list[OutboxMessage]:
        """Take at most limit pending messages due at now, oldest due first: count the attempt and move their next
        attempt to lease_until, so no other worker takes them until then; return them as claimed.

        A claim is its own short unit of work: commit it before sending. Claims never wait for each other on
        PostGIS (rows another claim holds are skipped) and take turns on SQLite (one writer).
        """
        ...

    def mark_delivered(self, message_id: int, *, attempt: int, at: datetime) -> bool:
        """Record the delivery of the claim numbered attempt; False when the message moved on (another claim)."""
        ...

    def mark_retry(self, message_id: int, *, attempt: int, next_attempt_at: datetime, error: str) -> bool:
        """Record a failed attempt to retry at next_attempt_at; False when the message moved on."""
        ...

    def mark_gave_up(self, message_id: int, *, attempt: int, at: datetime, error: str) -> bool:
        """Record that the claim numbered attempt gave the message up; False when the message moved on."""
        ...

    def retry_failed(self, message_id: int, *, at: datetime) -> OutboxMessage | None:
        """Make a given-up message pending again, due at at with its attempts counted afresh; None unless failed."""
        ...


class CityInboundRepository(Protocol):
    def record(self, message: InboundMessage) -> bool:
        """Store a message under its id and return True; False (writing nothing) when that id is already stored.

        On PostGIS a concurrent record of the same id waits for the first to end, then answers False.
        """
        ...

    def set_result(self, message_id: str, *, result: dict[str, Any], case_id: int | None) -> None:
        """Store the answer a recorded message got, and the case it concerned."""
        ...

    def get(self, message_id: str) -> InboundMessage | None:
        """Return the stored message, or None."""
        ...
