"""Automatic classification at intake, and an operator's re-classification of a case (the triage queue's answer)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from cases import feed as payloads
from cases.classify import Classifier
from cases.errors import CaseError, CaseNotFound
from cases.models import Case, CaseEvent, CaseStatus
from cases.routing import route
from cases.taxonomy import Taxonomy
from cases.taxonomy_service import record_correction
from cases.taxonomy_store import Correction, CorrectionRepository
from cases.use_cases import CaseWork

RECLASSIFY = "reclassify"  # the case event's action: off the loop, the status stays
# Before dispatch the platform still follows the category; after it, a team of the old platform is on its way and
# moving the case is a 'route' step (or a joint task), not a side effect of fixing its label.
NOT_YET_DISPATCHED = frozenset({CaseStatus.REPORTED, CaseStatus.ACCEPTED, CaseStatus.ROUTED})


@dataclass(frozen=True, slots=True)
class Filing:
    """The category a report is filed under, the classifier's confidence (None: the caller chose) and triage."""

    category: str
    confidence: float | None = None
    triage: bool = False


def report_text(title: str, description: str) -> str:
    """Return what the classifier reads of a report: its title and its description."""
    return f"{title.strip()}\n{description.strip()}".strip()


def file_report(*, category: str | None, title: str, description: str, classifier: Classifier | None) -> Filing:
    """Take the caller's category as is; without one, classify title and description (triage when unsure)."""
    if category is not None:
        return Filing(category)
    if classifier is None:
        raise CaseError("body field 'category': required while the classifier is not available")
    answer = classifier.classify(report_text(title, description))
    return Filing(answer.code, answer.confidence, answer.triage)


@dataclass(frozen=True, slots=True)
class Reclassified:
    """The case after re-classification, its event, and the correction recorded for training (None: none)."""

    case: Case
    event: CaseEvent
    correction: Correction | None


def reclassify_case_and_announce(work: CaseWork, *, corrections: CorrectionRepository, taxonomy: Taxonomy,
                                 case_id: int, category: str, note: str, actor: str, at: datetime,
                                 role: str = "") -> Reclassified:
    """File a case under another (or the same, confirmed) category, clear its triage, and announce it.

    The platform follows the category while the case is not yet dispatched. When the classifier had filed the
    case (it has a confidence), the operator's answer is recorded as a correction: training data for the next model.
    """
    if category not in taxonomy.subcategories:
        raise CaseError(f"body field 'category' {category!r}: not a sub-category of the active taxonomy")
    case = work.cases.get(case_id, for_update=True)
    if case is None:
        raise CaseNotFound(f"case {case_id}: no such case")
    changes: dict[str, object] = {"category": category, "triage": False, "updated_at": at}
    if case.status in NOT_YET_DISPATCHED:
        changes["platform"] = route(category, taxonomy)
    updated = work.cases.update(replace(case, **changes))  # type: ignore[arg-type]
    correction = None
    if case.confidence is not None and case.category in taxonomy.subcategories:
        correction = record_correction(corrections=corrections, taxonomy=taxonomy,
                                       text=report_text(case.title, case.description), predicted=case.category,
                                       corrected=category, confidence=case.confidence, who=actor, at=at,
                                       channel=str(case.source), case_id=case_id)
    event = work.cases.append_event(CaseEvent(
        case_id=case_id, action=RECLASSIFY, actor=actor, at=at, from_status=case.status, to_status=case.status,
        note=note, role=role,
        data={"from_category": case.category, "category": category, "from_platform": _text(case.platform),
              "platform": _text(updated.platform), "was_triage": case.triage, "confidence": case.confidence,
              "correction_id": correction.id if correction else None}))
    work.feed.append(payloads.CASE_UPDATED, payloads.case_updated(updated, event), at=at)
    return Reclassified(updated, event, correction)


def _text(value: object | None) -> str | None:
    return None if value is None else str(value)
