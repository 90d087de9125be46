"""The active taxonomy, its edits, and operators' corrections of the classifier (the caller owns the transaction)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from cases.classify.data import CHANNELS, LabelledReport
from cases.repository import CaseRepository
from cases.taxonomy import Taxonomy, TaxonomyError, parse_taxonomy, shipped_taxonomy
from cases.taxonomy_store import Correction, CorrectionRepository, TaxonomyRepository, TaxonomyVersion

logger = logging.getLogger(__name__)

MAX_NOTE = 500
MAX_TEXT = 4000


def active_taxonomy(*, versions: TaxonomyRepository) -> tuple[Taxonomy, TaxonomyVersion | None]:
    """Return the latest stored taxonomy (and its version), or the shipped one and None."""
    latest = versions.latest()
    if latest is None:
        return shipped_taxonomy(), None
    try:
        return _parsed(json.dumps(latest.doc, sort_keys=True, ensure_ascii=False)), latest
    except TaxonomyError as exc:
        # Stored under older validation: keep working on the shipped taxonomy rather than refuse every report.
        logger.error("taxonomy version %s no longer validates, using the shipped taxonomy: %s", latest.id, exc)
        return shipped_taxonomy(), None


@lru_cache(maxsize=8)
def _parsed(doc: str) -> Taxonomy:
    # Keyed by the document's text: every request reads the active taxonomy, and one object per document lets
    # the classifier cache find its model without hashing the training set again.
    return parse_taxonomy(json.loads(doc))


def replace_taxonomy(*, versions: TaxonomyRepository, cases: CaseRepository, doc: dict[str, Any], who: str,
                     note: str, at: datetime) -> TaxonomyVersion:
    """Check a whole taxonomy document and store it as the active version.

    Refused (TaxonomyError naming the path): anything parse_taxonomy refuses, and removing a sub-category that
    cases are filed under.
    """
    if len(note) > MAX_NOTE:
        raise TaxonomyError(f"note: longer than {MAX_NOTE} characters")
    taxonomy = parse_taxonomy(doc)
    current, _ = active_taxonomy(versions=versions)
    for code in sorted(set(current.subcategories) - set(taxonomy.subcategories)):
        if (used := cases.count(category=code)) > 0:
            raise TaxonomyError(f"categories: sub-category {code!r} may not be removed: {used} case(s) are filed "
                                "under it")
    return versions.add(doc=taxonomy.doc, created_by=who, note=note, at=at)


def record_correction(*, corrections: CorrectionRepository, taxonomy: Taxonomy, text: str, predicted: str,
                      corrected: str, confidence: float, who: str, at: datetime, channel: str = "unknown",
                      case_id: int | None = None) -> Correction:
    """Record that an operator filed a text under another sub-category than the classifier said."""
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise TaxonomyError(f"text: must be 1 to {MAX_TEXT} characters")
    for field, code in (("predicted", predicted), ("corrected", corrected)):
        if code not in taxonomy.subcategories:
            raise TaxonomyError(f"{field}: {code!r} is not a sub-category of the active taxonomy")
    if not 0.0 <= confidence <= 1.0:
        raise TaxonomyError(f"confidence: {confidence} must lie in [0, 1]")
    if channel not in CHANNELS:
        raise TaxonomyError(f"channel: {channel!r} is not one of {', '.join(sorted(CHANNELS))}")
    return corrections.add(Correction(text=text, predicted=predicted, corrected=corrected, confidence=confidence,
                                      corrected_by=who, corrected_at=at, channel=channel, case_id=case_id))


def corrections_as_training(corrections: Sequence[Correction]) -> list[LabelledReport]:
    """Return corrections as labelled reports (the operator's code is the label), the labelled set's columns."""
    return [LabelledReport(c.text, c.corrected, c.channel) for c in corrections]


def all_corrections(*, corrections: CorrectionRepository, since: datetime | None = None,
                    batch: int = 1000) -> list[Correction]:
    """Return every correction (at or after since), oldest first, read in batches."""
    found: list[Correction] = []
    while chunk := corrections.list(since=since, limit=batch, offset=len(found)):
        found.extend(chunk)
    return found
