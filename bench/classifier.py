"""Benchmark the report classifier: held-out accuracy and macro-F1 of rules only, model only and the blend.

A stratified split of the shipped labelled set (cases/data/labelled_reports.csv, 25 % held out, fixed seed);
baselines in the same run: the majority class and the rules alone. Also the triage rate below the confidence
threshold, the accuracy of what is not sent to triage, and classifications per second.
Prints one JSON line. Usage: python bench/classifier.py [--quick] [--seed 11] [--min-confidence 0.6]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import best_of  # noqa: E402
from cases.classify import DEFAULT_MIN_CONFIDENCE, Classifier, load_labelled  # noqa: E402
from cases.classify.evaluate import HELD_OUT, SEED, evaluate, split  # noqa: E402
from cases.taxonomy import shipped_taxonomy  # noqa: E402


def main() -> None:
    """Run the benchmark and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--held-out", type=float, default=HELD_OUT)
    parser.add_argument("--min-confidence", type=float, default=DEFAULT_MIN_CONFIDENCE)
    parser.add_argument("--quick", action="store_true", help="time 50 classifications instead of every held-out one")
    args = parser.parse_args()
    taxonomy, rows = shipped_taxonomy(), load_labelled()
    result = evaluate(taxonomy, rows, held_out=args.held_out, seed=args.seed, min_confidence=args.min_confidence)
    train, test = split(rows, held_out=args.held_out, seed=args.seed)
    classifier = Classifier(taxonomy, train, min_confidence=args.min_confidence)
    texts = [r.text for r in test][: 50 if args.quick else None]
    seconds = best_of(3, lambda: [classifier.classify(t) for t in texts])
    figures = asdict(result)
    figures.update({
        "min_confidence": args.min_confidence, "seed": args.seed,
        "classifications_per_s": round(len(texts) / seconds, 1),
        "ratio_accuracy_vs_majority": round(result.combined.accuracy / max(result.majority.accuracy, 1e-9), 2),
        "ratio_accuracy_vs_rules": round(result.combined.accuracy / max(result.rules.accuracy, 1e-9), 3),
    })
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
