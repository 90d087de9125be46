"""The combined decision: rules and model blended into one sub-category, a confidence, and triage below a threshold."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from cases.classify.data import LabelledReport, fingerprint, load_labelled
from cases.classify.model import TextModel
from cases.classify.rules import RuleClassifier
from cases.taxonomy import Taxonomy, shipped_taxonomy

DEFAULT_MIN_CONFIDENCE = 0.6
# How much the rules weigh against the model when both speak (bench/classifier.py measured the blend).
RULE_WEIGHT = 2.0
# What a rules-only answer must beat to be sure: two keywords' worth of points.
NO_RULE_SCORE = 2.0
FALLBACK_CODE = "other"
_CACHE_SIZE = 4


@dataclass(frozen=True, slots=True)
class Classification:
    """The sub-category a text most likely belongs to, how sure, whether a person must look, and what else it could be.

    alternatives: the next best (code, score) pairs after code, at most three.
    """

    code: str
    confidence: float
    triage: bool
    alternatives: tuple[tuple[str, float], ...]
    matched_keywords: tuple[str, ...]


class Classifier:
    """Rules from a taxonomy and a model trained on labelled reports, blended."""

    def __init__(self, taxonomy: Taxonomy, rows: Sequence[LabelledReport], *,
                 min_confidence: float = DEFAULT_MIN_CONFIDENCE, rule_weight: float = RULE_WEIGHT) -> None:
        if not 0.0 <= min_confidence <= 1.0:
            raise ValueError(f"min_confidence: {min_confidence} must lie in [0, 1]")
        known = set(taxonomy.subcategories)
        # Reports filed under a sub-category the taxonomy no longer has would teach the model a dead code.
        self.training = [r for r in rows if r.category in known]
        self.taxonomy = taxonomy
        self.min_confidence = min_confidence
        self.rule_weight = rule_weight
        self.rules = RuleClassifier(taxonomy.subcategories.values())
        self.model = TextModel(self.training)

    def scores(self, text: str, *, use_rules: bool = True, use_model: bool = True
               ) -> tuple[dict[str, float], dict[str, tuple[str, ...]]]:
        """Return a probability per candidate code and the rule matches per code.

        The blend is log-linear: each rule point multiplies a code's model odds by e**rule_weight, so a phrase
        found in the text can overturn a weak model, and agreement of both makes the answer confident.
        """
        hits = self.rules.hits(text) if use_rules else []
        logits: dict[str, float] = {}
        if use_model:
            model = self.model.proba([text])[0]
            # A code the model never saw (added to the taxonomy since) starts at a small floor, not at zero.
            floor = 0.2 / max(len(self.taxonomy.subcategories), 1)
            logits = {c: math.log(max(p, 1e-6)) for c, p in model.items()}
            for hit in hits:
                logits[hit.code] = logits.get(hit.code, math.log(floor)) + self.rule_weight * hit.score
        elif hits:
            # Rules alone: a pseudo-candidate "no rule is sure" keeps one stray keyword from being certain.
            logits = {h.code: self.rule_weight * h.score for h in hits}
            logits[""] = self.rule_weight * NO_RULE_SCORE
        if not logits:
            return {}, {}
        top = max(logits.values())
        weights = {c: math.exp(v - top) for c, v in logits.items()}
        total = sum(weights.values())
        return {c: w / total for c, w in weights.items() if c}, {h.code: h.matched for h in hits}

    def classify(self, text: str, *, use_rules: bool = True, use_model: bool = True) -> Classification:
        """Classify one text; below the threshold, or filed under "other", the answer asks for triage."""
        text = (text or "").strip()
        if not text:
            return Classification(FALLBACK_CODE, 0.0, True, (), ())
        blended, matches = self.scores(text, use_rules=use_rules, use_model=use_model)
        ranked = sorted(blended.items(), key=lambda kv: (-kv[1], kv[0]))
        if not ranked:
            return Classification(FALLBACK_CODE, 0.0, True, (), ())
        code, confidence = ranked[0]
        confidence = min(1.0, max(0.0, confidence))
        # "other" names no platform's matter: however sure, a person decides where it goes.
        triage = confidence < self.min_confidence or code == FALLBACK_CODE
        return Classification(code=code, confidence=round(confidence, 4), triage=triage,
                              alternatives=tuple((c, round(s, 4)) for c, s in ranked[1:4]),
                              matched_keywords=matches.get(code, ()))


_cache: dict[str, Classifier] = {}
# The same taxonomy and rows objects again (the usual case): no hashing. Holding them keeps their ids unique.
_by_identity: dict[tuple[int, int, float], tuple[Taxonomy, Sequence[LabelledReport], Classifier]] = {}
_cache_lock = threading.Lock()
# One lock per key being trained: concurrent first requests (and the start-up warm-up) train the model once,
# the others wait for it rather than each spending seconds of CPU on the same model.
_building: dict[str, threading.Lock] = {}


def build_classifier(taxonomy: Taxonomy | None = None, rows: Sequence[LabelledReport] | None = None, *,
                     min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> Classifier:
    """Return a classifier for the taxonomy and labelled set (shipped ones by default), trained once per their hash.

    Safe under concurrent callers: a model is trained once however many ask for it at the same time.
    """
    taxonomy = taxonomy or shipped_taxonomy()
    rows = _shipped_rows() if rows is None else rows
    quick = (id(taxonomy), id(rows), min_confidence)
    with _cache_lock:
        if (held := _by_identity.get(quick)) is not None and held[0] is taxonomy and held[1] is rows:
            return held[2]
    key = fingerprint(rows, json.dumps(taxonomy.doc, sort_keys=True, ensure_ascii=False), str(min_confidence))
    with _cache_lock:
        building = _building.setdefault(key, threading.Lock())
    with building:
        with _cache_lock:
            classifier = _cache.get(key)
        if classifier is None:
            classifier = Classifier(taxonomy, rows, min_confidence=min_confidence)
        with _cache_lock:
            for cache in (_cache, _by_identity):
                if len(cache) >= _CACHE_SIZE:
                    cache.pop(next(iter(cache)))
            _cache[key] = classifier
            _by_identity[quick] = (taxonomy, rows, classifier)
            _building.pop(key, None)
    return classifier


@lru_cache(maxsize=1)
def _shipped_rows() -> tuple[LabelledReport, ...]:
    return tuple(load_labelled())


def classify(text: str, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> Classification:
    """Classify a text with the shipped taxonomy and labelled set."""
    return build_classifier(min_confidence=min_confidence).classify(text)
