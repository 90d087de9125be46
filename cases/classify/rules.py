"""Keyword and phrase rules per sub-category: a phrase found in the text outweighs a single word."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cases.classify.segment import add_words, segment
from cases.taxonomy import SubCategory

KEYWORD_WEIGHT = 1.0
# A phrase ("井盖缺失") says more than any one of its words ("井盖"): it wins ties and near-ties.
PHRASE_WEIGHT = 2.5


@dataclass(frozen=True, slots=True)
class RuleHit:
    """What the rules found for one sub-category: its score and the words and phrases that matched."""

    code: str
    score: float
    matched: tuple[str, ...]


class RuleClassifier:
    """Scores text against every sub-category's keywords (as jieba words) and phrases (as substrings)."""

    def __init__(self, subcategories: Iterable[SubCategory]) -> None:
        self._subs = list(subcategories)
        add_words(w for s in self._subs for w in (*s.keywords, *s.phrases))

    @property
    def codes(self) -> list[str]:
        """Return the sub-category codes the rules know, in taxonomy order."""
        return [s.code for s in self._subs]

    def hits(self, text: str) -> list[RuleHit]:
        """Return the sub-categories whose rules match, best first."""
        words = set(segment(text))
        found = []
        for sub in self._subs:
            phrases = [p for p in sub.phrases if p in text]
            # A keyword counts as a whole word, or as a substring when it is long enough not to hide in others.
            keywords = [k for k in sub.keywords if k in words or (len(k) >= 3 and k in text)]
            score = PHRASE_WEIGHT * len(phrases) + KEYWORD_WEIGHT * len(keywords)
            if score:
                found.append(RuleHit(sub.code, score, tuple(phrases + keywords)))
        return sorted(found, key=lambda h: -h.score)

    def distribution(self, text: str) -> tuple[dict[str, float], dict[str, tuple[str, ...]]]:
        """Return rule scores normalised to sum 1 (empty when nothing matched) and the matches per code."""
        hits = self.hits(text)
        total = sum(h.score for h in hits)
        return ({h.code: h.score / total for h in hits} if total else {}), {h.code: h.matched for h in hits}
