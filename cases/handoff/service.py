"""Outbox rules: enqueue an escalation in the caller's unit of work, and record what an attempt came to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from cases.handoff.errors import OutboxConflict, OutboxNotFound
from cases.handoff.models import ESCALATION, OutboxMessage
from cases.handoff.payloads import escalation_payload, idempotency_key
from cases.handoff.repository import CityOutboxRepository
from cases.handoff.retry import RetryPolicy, Verdict
from cases.models import Case, CaseEvent
from cases.repository import CaseRepository

MAX_ERROR = 500


def enqueue_escalation(*, outbox: CityOutboxRepository, cases: CaseRepository, case: Case, event: CaseEvent,
                       at: datetime) -> OutboxMessage:
    """Write the escalation's message for the city, due at once; it commits (or not) with the escalation."""
    payload = escalation_payload(case, event, cases.events(case.id))  # type: ignore[arg-type]
    return outbox.add(OutboxMessage(case_id=case.id, kind=ESCALATION, payload=payload,  # type: ignore[arg-type]
                                    idempotency_key=idempotency_key(case, event), created_at=at, next_attempt_at=at))


def record_attempt(*, outbox: CityOutboxRepository, message: OutboxMessage, verdict: Verdict, error: str,
                   now: datetime, policy: RetryPolicy, rand: Callable[[], float]) -> Verdict:
    """Record one claimed attempt's outcome: delivered, a retry after backoff, or given up (4xx, or attempts spent).

    message.attempts is the claim's number (claim_due counted it); a message another claim has moved on is left
    alone. Returns what was recorded: a retry past the last attempt is recorded as given up.
    """
    assert message.id is not None
    error = error[:MAX_ERROR]
    if verdict is Verdict.DELIVERED:
        outbox.mark_delivered(message.id, attempt=message.attempts, at=now)
        return verdict
    if verdict is Verdict.RETRY:
        due = policy.next_attempt(message.attempts, now=now, rand=rand)
        if due is not None:
            outbox.mark_retry(message.id, attempt=message.attempts, next_attempt_at=due, error=error)
            return verdict
        error = f"{error} (gave up after {message.attempts} attempts)"[:MAX_ERROR]
    outbox.mark_gave_up(message.id, attempt=message.attempts, at=now, error=error)
    return Verdict.GIVE_UP


def retry_failed(*, outbox: CityOutboxRepository, message_id: int, at: datetime) -> OutboxMessage:
    """Make a given-up message pending again, due at once with a fresh count of attempts.

    Raises OutboxNotFound without such a message, OutboxConflict when it is not failed.
    """
    message = outbox.retry_failed(message_id, at=at)
    if message is None:
        found = outbox.get(message_id)
        if found is None:
            raise OutboxNotFound(f"city outbox message {message_id}: no such message")
        raise OutboxConflict(f"city outbox message {message_id} is {found.state}; only a failed one is retried")
    return message
