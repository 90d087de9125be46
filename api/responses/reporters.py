"""Answers about a case's possible duplicates, its reporters, the notices owed to them, and their ratings."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.responses.common import Instant, ReadModel
from cases.models import CaseStatus
from cases.reporters import NoticeKind


class DuplicateRead(ReadModel):
    """An open case of the same category near the case in space and time: perhaps the same matter."""

    id: int
    title: str
    distance_m: Annotated[float, Field(ge=0, description="metres from the case")]
    created_at: Instant
    status: CaseStatus


class DuplicateList(ReadModel):
    """The case's possible duplicates, nearest first, then newest, and the search that found them."""

    items: list[DuplicateRead]
    radius_m: float
    window_h: Annotated[float, Field(description="hours either side of the case's report")]


class ReporterRead(ReadModel):
    """A person who reported the case's matter; name and phone are masked for roles without personal:read."""

    id: int
    case_id: int
    name: str
    phone: str
    channel: Annotated[str, Field(description="how they reported: grid_staff, citizen, hotline, city")]
    reported_at: Instant
    merged_from: Annotated[int | None, Field(description="the case they reported, merged into this one")]
    rated_at: Instant | None
    satisfaction: Annotated[int | None, Field(ge=1, le=5)]
    comment: str
    notified_at: Annotated[Instant | None, Field(description="when they first heard back (handled or closed)")]
    last_notice: Annotated[str, Field(description="the kind of the last notice delivered; empty: none yet")]
    last_notice_at: Instant | None


class NoticeRead(ReadModel):
    """A notice owed to a reporter (the outbox): recorded with its step, sent by the reporter-notices job."""

    id: int
    case_id: int
    reporter_id: int
    kind: NoticeKind
    text: Annotated[str, Field(description="as recorded; a closed case's rating link is added when it is sent")]
    wants_rating: bool
    created_at: Instant
    sent_at: Instant | None
    attempts: int
    last_error: str


class ReporterList(ReadModel):
    """The case's reporters (its own and those of cases merged into it) and the notices owed to them."""

    case_id: int
    feedback_due_at: Annotated[Instant | None, Field(description="reporters must hear back by then (seed 003)")]
    reporters: list[ReporterRead]
    notices: list[NoticeRead]


class RatingAnswer(ReadModel):
    """A reporter's rating recorded, and what it did to the case."""

    case_id: int
    reporter_id: int
    satisfaction: Annotated[int, Field(ge=1, le=5)]
    evaluated: Annotated[bool, Field(description="true when this rating evaluated the closed case")]
    case_status: CaseStatus
    case_satisfaction: Annotated[int | None, Field(ge=1, le=5,
                                                   description="the rounded mean of its reporters' ratings")]
