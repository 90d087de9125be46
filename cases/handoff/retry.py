"""What an attempt's answer means for the message (delivered, retry, give up), and when to retry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Verdict(StrEnum):
    """What one attempt's answer means."""

    DELIVERED = "delivered"
    RETRY = "retry"
    GIVE_UP = "give_up"


# A client error the city may get over: it timed the request out, or asks us to slow down.
RETRYABLE_4XX = frozenset({408, 429})


def verdict_for(status: int | None) -> Verdict:
    """Return what an answer means: 2xx delivered; 4xx (but 408, 429) give up; 5xx, others, no answer (None) retry."""
    if status is None:
        return Verdict.RETRY
    if 200 <= status < 300:
        return Verdict.DELIVERED
    if 400 <= status < 500 and status not in RETRYABLE_4XX:
        return Verdict.GIVE_UP
    return Verdict.RETRY


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter, capped, for at most max_attempts attempts in all."""

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    max_attempts: int = 8

    def delay(self, attempts: int, rand: Callable[[], float]) -> timedelta:
        """Return the wait after the attempts-th failed attempt: base * 2^(attempts-1), capped, then jittered.

        The jitter draws the wait uniformly from its upper half ([d/2, d]) so many messages failing together
        (the city was down) do not all come back in the same second, yet none retries sooner than half its step.
        """
        step = self.base * (2 ** min(max(attempts - 1, 0), 30))
        capped = min(step, self.cap)
        return capped / 2 + capped / 2 * rand()

    def next_attempt(self, attempts: int, *, now: datetime, rand: Callable[[], float]) -> datetime | None:
        """Return when to try again after attempts failed attempts, or None when they were the last allowed."""
        if attempts >= self.max_attempts:
            return None
        return now + self.delay(attempts, rand)
