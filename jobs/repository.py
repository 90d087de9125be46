"""The store the scheduler needs: job runs, claimed once per (job, lease, period)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from jobs.models import JobOutcome, JobRun


class JobRunRepository(Protocol):
    def claim(self, run: JobRun, *, busy_since: datetime) -> bool:
        """Record run as started and return True, unless its (job, lease, period) is taken or a run of the
        same job and lease started after busy_since is unfinished (then write nothing, return False)."""
        ...

    def finish(self, *, job: str, lease: str, period: int, outcome: JobOutcome, detail: str,
               finished_at: datetime) -> bool:
        """Record how an unfinished run ended; return False when it was already finished (first word wins)."""
        ...

    def latest(self) -> list[JobRun]:
        """Return the newest run of each job, ordered by job name."""
        ...

    def delete_older_than(self, cutoff: datetime, *, limit: int = 1000) -> int:
        """Delete at most limit runs started before cutoff; return how many were deleted."""
        ...
