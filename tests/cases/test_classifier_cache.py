"""The shared classifier cache under concurrent requests: a model is trained once however many ask at once."""

from __future__ import annotations

import threading
import time

import pytest

from cases.classify import classifier as module
from cases.classify import load_labelled
from cases.taxonomy import shipped_taxonomy


def test_concurrent_first_requests_train_one_model_and_all_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []

    class SlowClassifier:
        def __init__(self, *args: object, **kwargs: object) -> None:
            time.sleep(0.2)  # long enough for every thread to arrive while the first one trains
            built.append(self)

    monkeypatch.setattr(module, "Classifier", SlowClassifier)
    monkeypatch.setattr(module, "_cache", {})
    monkeypatch.setattr(module, "_by_identity", {})
    taxonomy, rows = shipped_taxonomy(), tuple(load_labelled())
    start = threading.Barrier(8)
    got: list[object] = []

    def ask() -> None:
        start.wait()
        got.append(module.build_classifier(taxonomy, rows, min_confidence=0.5))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(built) == 1
    assert len(got) == 8 and all(c is built[0] for c in got)
    assert module._building == {}  # the per-key lock is dropped once the model is cached
