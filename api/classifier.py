"""The report classifier the API shares: built for the active taxonomy, warmed in the background at start-up."""

from __future__ import annotations

import logging
import threading
from typing import Any

from cases.classify import DEFAULT_MIN_CONFIDENCE, Classifier, build_classifier
from cases.taxonomy import Taxonomy
from cases.taxonomy_service import active_taxonomy
from storage import Store

logger = logging.getLogger(__name__)


def min_confidence(state: Any) -> float:
    """Return the app's triage threshold (GRIDWATCH_CLASSIFY_MIN_CONFIDENCE)."""
    return getattr(state, "classify_min_confidence", DEFAULT_MIN_CONFIDENCE)


def classifier_for(state: Any, taxonomy: Taxonomy) -> Classifier:
    """Return the classifier of the taxonomy at the app's threshold (trained once, then cached process-wide)."""
    return build_classifier(taxonomy, min_confidence=min_confidence(state))


def warm_classifier(state: Any, store: Store) -> threading.Thread:
    """Train the active taxonomy's classifier in a background thread, so the first report does not wait seconds.

    A report arriving before it is done waits for the same training (build_classifier trains a model once).
    """

    def warm() -> None:
        try:
            with store.read_only() as uow:
                taxonomy, _ = active_taxonomy(versions=uow.taxonomy_versions)
            classifier_for(state, taxonomy).classify("预热 warm-up")
        except Exception:  # the first report trains it instead; nothing is lost but time
            logger.exception("the classifier could not be warmed at start-up")

    thread = threading.Thread(target=warm, name="classifier-warm-up", daemon=True)
    thread.start()
    return thread
