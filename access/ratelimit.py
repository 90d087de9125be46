"""Token-bucket rate limits per client key, in memory (one process; a proxy limits across replicas)."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

from access.errors import RateLimited

MAX_KEYS = 50_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Allows burst requests at once, refilled at rate_per_s; raises RateLimited past that."""

    def __init__(self, *, name: str, rate_per_s: float, burst: int, clock: Callable[[], float]) -> None:
        self.name = name
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Spend one token of key's bucket, or raise RateLimited saying when to retry."""
        now = self._clock()
        with self._lock:
            if len(self._buckets) > MAX_KEYS:
                # Forget everyone rather than grow without bound under a flood of addresses.
                self._buckets.clear()
            bucket = self._buckets.setdefault(key, _Bucket(float(self.burst), now))
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate_per_s)
            bucket.updated = now
            if bucket.tokens < 1:
                wait = math.ceil((1 - bucket.tokens) / self.rate_per_s)
                raise RateLimited(f"{self.name}: too many requests from {key}; retry in {wait} s", retry_after_s=wait)
            bucket.tokens -= 1
