"""The reporter rates the outcome (1 to 5), by link or through the hotline; the case is evaluated from the ratings."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from cases import feed as payloads
from cases.errors import AlreadyRated, CaseError, CaseNotFound, RatingLinkNotFound
from cases.lifecycle import Action
from cases.locator import Locator
from cases.models import Case, CaseEvent, CaseStatus
from cases.reporters import CaseReporter, ReporterRepository
from cases.service import StepInput
from cases.use_cases import CaseWork, take_step_and_announce

# An event off the loop (the status stays): a reporter's rating stored, and the case's satisfaction with it.
REPORTER_RATED = "reporter_rated"
TOKEN_BYTES = 24


def issue_rating_token(reporters: ReporterRepository, reporter_id: int) -> str:
    """Mint the reporter's rating link token; only its hash is stored, so the store never holds a working link."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    reporters.set_token_hash(reporter_id, token_hash(token))
    return token


def token_hash(token: str) -> str:
    """Return the stored form of a rating token (sha256: a random 192-bit token needs no slow hash)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def reporter_for_token(reporters: ReporterRepository, token: str) -> CaseReporter:
    """Return the reporter a rating link belongs to, or raise RatingLinkNotFound."""
    found = reporters.by_token_hash(token_hash(token))
    if found is None:
        raise RatingLinkNotFound("path 'token': no such rating link; it may have been replaced by a newer one")
    return found


def mean_satisfaction(ratings: list[int]) -> int:
    """Return the case's satisfaction from its reporters' ratings: the mean, rounded half up (4.5 → 5)."""
    return int((Decimal(sum(ratings)) / len(ratings)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class RatingOutcome:
    """The reporter as rated, the case after the rating, the event that records it, whether it evaluated the case."""

    reporter: CaseReporter
    case: Case
    event: CaseEvent
    evaluated: bool


def rate_outcome(work: CaseWork, *, locator: Locator, reporter: CaseReporter, satisfaction: int, comment: str,
                 actor: str, at: datetime, role: str = "", channel: str = "link") -> RatingOutcome:
    """Record one reporter's rating once (AlreadyRated the second time) and carry it to the case.

    A closed case is evaluated (the loop's EVALUATE step) with the mean of its reporters' ratings; an evaluated
    case's satisfaction follows the mean as later reporters rate; a case not closed (reopened since) keeps the
    rating on the reporter and notes it, to be counted when the case is evaluated again.
    """
    if not 1 <= satisfaction <= 5:
        raise CaseError(f"body field 'satisfaction' {satisfaction}: give 1 to 5")
    reporters = work.reporters
    case = work.cases.get(reporter.case_id, for_update=True)
    if case is None:
        raise CaseNotFound(f"case {reporter.case_id}: no such case")
    case_id: int = case.id  # type: ignore[assignment]
    reporter_id: int = reporter.id  # type: ignore[assignment]
    if not reporters.record_rating(reporter_id, satisfaction=satisfaction, comment=comment, at=at):
        raise AlreadyRated(f"reporter {reporter_id} of case {case_id} has already rated the outcome")
    rated = replace(reporter, satisfaction=satisfaction, comment=comment, rated_at=at)
    ratings = [r.satisfaction for r in reporters.for_case(case_id) if r.satisfaction is not None]
    mean = mean_satisfaction(ratings)
    data = {"reporter_id": reporter.id, "satisfaction": satisfaction, "channel": channel, "ratings": len(ratings),
            "case_satisfaction": mean}
    if case.status is CaseStatus.CLOSED:
        step = take_step_and_announce(work, locator=locator, case_id=case_id, actor=actor, at=at, role=role,
                                      step_in=StepInput(Action.EVALUATE, satisfaction=mean, note=comment))
        return RatingOutcome(rated, step.case, step.event, evaluated=True)
    changes = {"updated_at": at}
    if case.status is CaseStatus.EVALUATED:
        changes["satisfaction"] = mean  # type: ignore[assignment]
    updated = work.cases.update(replace(case, **changes))  # type: ignore[arg-type]
    event = work.cases.append_event(CaseEvent(
        case_id=case_id, action=REPORTER_RATED, actor=actor, at=at, from_status=case.status,
        to_status=case.status, note=comment, data=data, role=role))
    work.feed.append(payloads.CASE_UPDATED, payloads.case_updated(updated, event), at=at)
    return RatingOutcome(rated, updated, event, evaluated=False)
