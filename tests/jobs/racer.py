"""A process that races another for the same job periods (run by tests/jobs/test_lease_race.py)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from gridwatch.jobs_wiring import store_job_runs
from jobs.models import JobSpec
from jobs.scheduler import Scheduler
from storage import open_store


def race(store_url: str, runner: str, period_starts: list[datetime], barrier: object, record_path: str) -> None:
    """Try to run job "race" at each period start, in step with the other racer; log each run won."""
    store = open_store(store_url)

    def work(at: datetime) -> str:
        line = f"{at.isoformat()} {runner}\n".encode()
        fd = os.open(record_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, line)  # one write of a short line with O_APPEND: racers never interleave
        finally:
            os.close(fd)
        return runner

    job = JobSpec("race", interval=timedelta(minutes=1), timeout=timedelta(minutes=1), run=work)
    now = period_starts[0]
    scheduler = Scheduler([job], runs=store_job_runs(store), runner=runner, clock=lambda: now, launch=lambda name, fn: fn())
    try:
        for now in period_starts:
            barrier.wait(timeout=60)  # type: ignore[attr-defined]
            scheduler.run_due(now)
    finally:
        store.close()
