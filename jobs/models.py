"""What a periodic job is (JobSpec), and the record of one run of it (JobRun)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from jobs.errors import JobError

_NAME = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
# Longer than this, a run's detail is cut: it is a line for an admin, not a log.
MAX_DETAIL = 1000


class JobOutcome(StrEnum):
    """How a run ended, or that it has not ended yet."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A job: its name, how often it runs, how long a run may take, and the work.

    `run` receives the run's start time (from the scheduler's clock) and returns a line saying what it did.
    A per-process job runs once per period in every process that schedules it (it keeps that process's
    memory fresh); any other job runs once per period in the whole deployment.
    """

    name: str
    interval: timedelta
    timeout: timedelta
    run: Callable[[datetime], str]
    per_process: bool = False

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise JobError(f"job {self.name!r}: name must be 1-64 of a-z 0-9 _ . - starting with a letter")
        if self.interval < timedelta(seconds=1):
            raise JobError(f"job {self.name!r}: interval {self.interval} is shorter than the 1 s tick")
        if self.timeout <= timedelta(0):
            raise JobError(f"job {self.name!r}: timeout {self.timeout} must be positive")

    def period_of(self, now: datetime) -> int:
        """Return the number of the period now falls in: floor(epoch seconds / interval)."""
        if now.tzinfo is None:
            raise JobError(f"job {self.name!r}: time {now.isoformat()} has no timezone")
        return math.floor(now.timestamp() / self.interval.total_seconds())


@dataclass(frozen=True, slots=True)
class JobRun:
    """One run of a job in one period: who ran it, when, and how it ended.

    `lease` is "" for a job run once per period in the whole deployment, and the runner for a per-process
    job; (job, lease, period) is unique in the store, which is what makes a run happen once.
    """

    job: str
    lease: str
    period: int
    started_at: datetime
    runner: str
    outcome: JobOutcome = JobOutcome.RUNNING
    finished_at: datetime | None = None
    detail: str = ""


def cut_detail(text: str) -> str:
    """Return text cut to MAX_DETAIL characters, saying so when cut."""
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"
