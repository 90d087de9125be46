"""Timing helpers the benchmarks share."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(runs: int, work: Callable[[], object]) -> float:
    """Return the fastest of runs timings of work() in seconds (the least disturbed by a busy machine)."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def best_of_with_answer(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    """Return the fastest of runs timings of work() in seconds and the last answer (to check what was timed)."""
    best, answer = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        answer = work()
        best = min(best, time.perf_counter() - started)
    return best, answer
