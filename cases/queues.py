"""The command room's work queues: which cases wait for which move, defined once for the API, the page and the store.

- to_accept: reported, waiting to be accepted (registered).
- to_route: accepted (registered), waiting to be routed or dispatched.
- overdue: not finished, and the current step's limit (`due_at`, cases/clock.py) is before now.
- escalated: escalated to the city (事权不在本级).
- to_verify: handled (fed_back), waiting for the command room's verification.
- triage: the classifier was not sure (`triage`) and the case is not finished.

A case may sit in several queues at once (a reported case past its accept limit is to_accept and overdue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from cases.lifecycle import FINISHED
from cases.models import Case, CaseStatus


class Queue(StrEnum):
    """A work queue, in the order the command room shows them."""

    TO_ACCEPT = "to_accept"
    TO_ROUTE = "to_route"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    TO_VERIFY = "to_verify"
    TRIAGE = "triage"


QUEUES: tuple[Queue, ...] = tuple(Queue)


@dataclass(frozen=True, slots=True)
class QueueBounds:
    """Conditions a store applies to cases (all that are set must hold): what a queue, or 'open', means in rows.

    statuses: the status is one of these; open_only: the case is not finished; due_before: due_at is set and
    before it; triage: the triage flag is that.
    """

    statuses: tuple[CaseStatus, ...] | None = None
    open_only: bool = False
    due_before: datetime | None = None
    triage: bool | None = None


# Cases not finished: the dashboard's "open" and the base of the overdue and triage queues.
OPEN = QueueBounds(open_only=True)


def queue_bounds(queue: Queue, *, now: datetime) -> QueueBounds:
    """Return the conditions of a queue at now (aware): only overdue depends on the time."""
    if queue is Queue.TO_ACCEPT:
        return QueueBounds(statuses=(CaseStatus.REPORTED,))
    if queue is Queue.TO_ROUTE:
        return QueueBounds(statuses=(CaseStatus.ACCEPTED,))
    if queue is Queue.OVERDUE:
        return QueueBounds(open_only=True, due_before=now)
    if queue is Queue.ESCALATED:
        return QueueBounds(statuses=(CaseStatus.ESCALATED,))
    if queue is Queue.TO_VERIFY:
        return QueueBounds(statuses=(CaseStatus.FED_BACK,))
    return QueueBounds(open_only=True, triage=True)


def within(case: Case, bounds: QueueBounds) -> bool:
    """Return whether a case meets the bounds, as the store decides it (tests hold the store to this)."""
    if bounds.statuses is not None and case.status not in bounds.statuses:
        return False
    if bounds.open_only and case.status in FINISHED:
        return False
    if bounds.due_before is not None and (case.due_at is None or not case.due_at < bounds.due_before):
        return False
    return bounds.triage is None or case.triage == bounds.triage


def in_queue(case: Case, queue: Queue, *, now: datetime) -> bool:
    """Return whether the case waits in the queue at now."""
    return within(case, queue_bounds(queue, now=now))
