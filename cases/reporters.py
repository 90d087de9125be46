"""The people who reported a case, and the notices that keep them informed (an outbox the notifier empties)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class NoticeKind(StrEnum):
    """Why a reporter is told something: the case reached a status they must hear of, or joined another case."""

    HANDLED = "handled"
    CLOSED = "closed"
    REJECTED = "rejected"
    ESCALATED = "escalated"
    MERGED = "merged"


# The reporter "heard back" (seed 003: within 5 working days) when one of these was delivered.
FEEDBACK_KINDS = frozenset({NoticeKind.HANDLED, NoticeKind.CLOSED})


@dataclass(frozen=True, slots=True)
class CaseReporter:
    """One person who reported the matter of a case (the original reporter, or one of a case merged into it)."""

    case_id: int
    name: str
    phone: str
    channel: str
    reported_at: datetime
    # The case the person reported when it was merged into this one.
    merged_from: int | None = None
    # sha256 of the rating link's token; the token itself is only ever in the notice sent.
    rating_token_hash: str | None = None
    rated_at: datetime | None = None
    satisfaction: int | None = None
    comment: str = ""
    # When the reporter first heard back (a handled or closed notice delivered), and the last notice delivered.
    notified_at: datetime | None = None
    last_notice: str = ""
    last_notice_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class ReporterNotice:
    """A notice owed to a reporter (outbox): recorded with the step that caused it, delivered by the notifier job."""

    case_id: int
    reporter_id: int
    kind: NoticeKind
    text: str
    created_at: datetime
    # A closed case's notice carries a rating link, minted when it is sent.
    wants_rating: bool = False
    sent_at: datetime | None = None
    attempts: int = 0
    last_error: str = ""
    id: int | None = None


class ReporterRepository(Protocol):
    def add(self, reporter: CaseReporter) -> CaseReporter:
        """Store a reporter of a case and return it with its id."""
        ...

    def get(self, reporter_id: int) -> CaseReporter | None: ...

    def for_case(self, case_id: int) -> list[CaseReporter]:
        """Return the case's reporters, first reported first."""
        ...

    def by_token_hash(self, token_hash: str) -> CaseReporter | None:
        """Return the reporter whose current rating link has this token hash."""
        ...

    def move_to_case(self, *, from_case_id: int, to_case_id: int) -> list[CaseReporter]:
        """Move a merged case's reporters onto the case it joined (merged_from: the case they left); return them."""
        ...

    def set_token_hash(self, reporter_id: int, token_hash: str) -> None:
        """Make token_hash the reporter's rating link (an earlier link stops working)."""
        ...

    def record_rating(self, reporter_id: int, *, satisfaction: int, comment: str, at: datetime) -> bool:
        """Record the reporter's rating once; return False when the reporter had already rated."""
        ...

    def mark_notified(self, reporter_id: int, *, kind: NoticeKind, at: datetime) -> None:
        """Note a delivered notice: the last one, and notified_at at the first that counts as feedback."""
        ...


class NoticeRepository(Protocol):
    def add(self, notice: ReporterNotice) -> ReporterNotice:
        """Store a notice to send and return it with its id."""
        ...

    def pending(self, *, max_attempts: int, limit: int = 100) -> list[ReporterNotice]:
        """Return notices not yet sent and tried fewer than max_attempts times, oldest first."""
        ...

    def for_case(self, case_id: int) -> list[ReporterNotice]:
        """Return the notices of a case (and of the cases merged into it, by reporter), oldest first."""
        ...

    def mark_sent(self, notice_id: int, *, at: datetime) -> bool:
        """Mark a notice sent once; return False when it already was."""
        ...

    def mark_failed(self, notice_id: int, *, error: str) -> None:
        """Count a failed attempt and keep its error."""
        ...
