"""The statistical model: character 1-3-gram TF-IDF and a linear SVM with calibrated probabilities."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from cases.classify.data import LabelledReport

CALIBRATION_FOLDS = 3


class TextModel:
    """A fitted TF-IDF + calibrated linear SVM over the sub-categories with enough training reports."""

    def __init__(self, rows: Sequence[LabelledReport]) -> None:
        # Imported here: the API and the CLI load this package at start-up, and most processes never train.
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import Pipeline
        from sklearn.svm import LinearSVC

        counts = Counter(r.category for r in rows)
        # Calibration cross-validates: a sub-category needs a report per fold; rarer ones are left to the rules.
        rows = [r for r in rows if counts[r.category] >= CALIBRATION_FOLDS]
        if len({r.category for r in rows}) < 2:
            raise ValueError(f"the model needs at least {CALIBRATION_FOLDS} labelled reports in each of two "
                             "sub-categories")
        self._pipeline = Pipeline([
            # Characters, not words: typos, missing spaces and dialect spellings still share most n-grams
            # (bench/classifier.py: jieba words added to the features made it worse on this set).
            ("tfidf", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)),
            # A linear SVM ranked best on the held-out set; sigmoid calibration turns its margins into probabilities.
            # ensemble=False: one SVM on all reports, calibrated on cross-validated margins.
            ("svm", CalibratedClassifierCV(LinearSVC(C=0.5), cv=CALIBRATION_FOLDS, ensemble=False)),
        ])
        self._pipeline.fit([r.text for r in rows], [r.category for r in rows])
        self.classes: list[str] = [str(c) for c in self._pipeline.classes_]
        # sklearn's predict_proba loops in Python over 38 calibrators (12 ms a text); the same sums in numpy take
        # a tenth of a millisecond, and the intake classifies one report at a time.
        calibrated = self._pipeline.named_steps["svm"].calibrated_classifiers_[0]
        self._vectorizer = self._pipeline.named_steps["tfidf"]
        self._analyze = self._vectorizer.build_analyzer()
        self._vocabulary: dict[str, int] = self._vectorizer.vocabulary_
        self._idf = self._vectorizer.idf_.copy()
        self._coef = calibrated.estimator.coef_.T.copy()
        self._intercept = calibrated.estimator.intercept_.copy()
        self._a = np.array([c.a_ for c in calibrated.calibrators])
        self._b = np.array([c.b_ for c in calibrated.calibrators])

    def proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Return, per text, the probability of each sub-category the model knows."""
        margins = np.vstack([self._margins(text) for text in texts]) if texts else np.zeros((0, len(self.classes)))
        probs = 1.0 / (1.0 + np.exp(self._a * margins + self._b))
        totals = probs.sum(axis=1, keepdims=True)
        probs = np.where(totals > 0, probs / np.where(totals > 0, totals, 1.0), 1.0 / len(self.classes))
        return [dict(zip(self.classes, map(float, row), strict=True)) for row in probs]

    def _margins(self, text: str) -> np.ndarray:
        """Return the SVM's margins of one text: TF-IDF (sublinear tf, l2) weighed in numpy, no sparse matrix.

        TfidfVectorizer.transform spends ~1 ms a text checking its input (bench/case_intake.py); the vocabulary,
        idf and analyzer are the fitted vectorizer's own, so the weights are the same (tests compare with sklearn).
        """
        counts = Counter(i for gram in self._analyze(text) if (i := self._vocabulary.get(gram)) is not None)
        if not counts:
            return self._intercept.copy()
        index = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * self._idf[index]
        weights /= np.sqrt(weights @ weights)
        return weights @ self._coef[index] + self._intercept

    def sklearn_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Return the same probabilities through sklearn's predict_proba (the reference the fast path must match)."""
        return [dict(zip(self.classes, map(float, row), strict=True))
                for row in self._pipeline.predict_proba(list(texts))]
