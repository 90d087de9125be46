"""Held-out evaluation of the classifier: a stratified split, accuracy and macro-F1 of rules, model and the blend."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from cases.classify.classifier import DEFAULT_MIN_CONFIDENCE, Classifier
from cases.classify.data import LabelledReport
from cases.taxonomy import Taxonomy

HELD_OUT = 0.25
SEED = 11


@dataclass(frozen=True, slots=True)
class Scores:
    """Accuracy and macro-F1 of one way of classifying, on the held-out reports."""

    accuracy: float
    macro_f1: float


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What the held-out part says: each method's scores, the baseline, triage and accuracy above the threshold."""

    train: int
    held_out: int
    majority: Scores
    rules: Scores
    model: Scores
    combined: Scores
    triage_rate: float
    accuracy_confident: float


def split(rows: Sequence[LabelledReport], *, held_out: float = HELD_OUT, seed: int = SEED
          ) -> tuple[list[LabelledReport], list[LabelledReport]]:
    """Return (train, test) stratified by sub-category with a fixed seed."""
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(list(rows), test_size=held_out, random_state=seed,
                                   stratify=[r.category for r in rows])
    return train, test


def _scores(truth: list[str], predicted: list[str]) -> Scores:
    from sklearn.metrics import f1_score

    accuracy = sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth)
    return Scores(round(accuracy, 4), round(float(f1_score(truth, predicted, average="macro", zero_division=0)), 4))


def evaluate(taxonomy: Taxonomy, rows: Sequence[LabelledReport], *, held_out: float = HELD_OUT, seed: int = SEED,
             min_confidence: float = DEFAULT_MIN_CONFIDENCE,
             extra_training: Sequence[LabelledReport] = ()) -> Evaluation:
    """Train on the stratified training part (plus extra_training, such as corrections) and score the held-out part."""
    train, test = split(rows, held_out=held_out, seed=seed)
    held = {r.text for r in test}
    # A correction of a held-out text would grade the model on its own answer key.
    train = train + [r for r in extra_training if r.text not in held]
    classifier = Classifier(taxonomy, train, min_confidence=min_confidence)
    truth = [r.category for r in test]
    majority = Counter(r.category for r in train).most_common(1)[0][0]
    combined = [classifier.classify(r.text) for r in test]
    confident = [(c.code, r.category) for c, r in zip(combined, test, strict=True) if not c.triage]
    return Evaluation(
        train=len(train), held_out=len(test),
        majority=_scores(truth, [majority] * len(test)),
        rules=_scores(truth, [classifier.classify(r.text, use_model=False).code for r in test]),
        model=_scores(truth, [classifier.classify(r.text, use_rules=False).code for r in test]),
        combined=_scores(truth, [c.code for c in combined]),
        triage_rate=round(sum(c.triage for c in combined) / len(combined), 4),
        accuracy_confident=round(sum(p == t for p, t in confident) / len(confident), 4) if confident else 0.0)
