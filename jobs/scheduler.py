"""The scheduler: which job is due now, claimed in the store so that each period's run happens once.

The decision is a function of the time it is given: a background thread calls `run_due(clock())` every
second, and tests call `run_due(t)` with the times they choose. The work runs in a thread of its own
(`launch`), so a slow job never delays another job's turn.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from jobs.errors import JobError
from jobs.models import JobOutcome, JobRun, JobSpec, cut_detail
from jobs.repository import JobRunRepository

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Launch = Callable[[str, Callable[[], None]], None]
# Opens one transaction of the store and hands out its job runs; committed when the block ends.
RunsFactory = Callable[[], AbstractContextManager[JobRunRepository]]


def process_runner(label: str) -> str:
    """Return this process's name in job runs: label@host:pid."""
    return f"{label}@{socket.gethostname()}:{os.getpid()}"


def launch_thread(name: str, work: Callable[[], None]) -> None:
    """Run work in a daemon thread named after the job."""
    threading.Thread(target=work, name=f"job-{name}", daemon=True).start()


@dataclass
class _Slot:
    """What the scheduler remembers of one job: the last period it tried, and the run in flight."""

    spec: JobSpec
    last_period: int | None = None
    running: JobRun | None = None
    timed_out: bool = False


class Scheduler:
    """Starts each job once per period: claims (job, lease, period) in the store, then runs it if it won."""

    def __init__(self, jobs: Iterable[JobSpec], *, runs: RunsFactory, runner: str, clock: Clock,
                 launch: Launch = launch_thread) -> None:
        self._slots: dict[str, _Slot] = {}
        for spec in jobs:
            if spec.name in self._slots:
                raise JobError(f"job {spec.name!r}: scheduled twice")
            self._slots[spec.name] = _Slot(spec)
        self._runs = runs
        self.runner = runner
        self._clock = clock
        self._launch = launch
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def jobs(self) -> list[JobSpec]:
        """Return the scheduled jobs."""
        return [slot.spec for slot in self._slots.values()]

    def running(self) -> list[str]:
        """Return the names of the jobs with a run in flight in this process."""
        with self._changed:
            return [name for name, slot in self._slots.items() if slot.running is not None]

    def run_due(self, now: datetime) -> list[JobRun]:
        """Start every job whose period began and that is not running here; return the runs started."""
        started: list[JobRun] = []
        for slot in self._slots.values():
            with self._changed:
                busy = slot.running is not None
            if busy:
                self._check_timeout(slot, now)
                continue
            period = slot.spec.period_of(now)
            if slot.last_period is not None and period <= slot.last_period:
                continue
            try:
                run = self._claim(slot.spec, period, now)
            except Exception:
                # The store is away: try again on the next tick, and let the other jobs have theirs.
                logger.exception("job %s: cannot claim period %d", slot.spec.name, period)
                continue
            slot.last_period = period
            if run is None:
                continue
            with self._changed:
                slot.running, slot.timed_out = run, False
            started.append(run)
            try:
                self._launch(slot.spec.name, partial(self._execute, slot, run))
            except Exception as exc:
                logger.exception("job %s: cannot start its run", slot.spec.name)
                self._record(slot, run, JobOutcome.FAILED, f"cannot start: {exc}", now)
                self._release(slot)
        return started

    def _claim(self, spec: JobSpec, period: int, now: datetime) -> JobRun | None:
        run = JobRun(job=spec.name, lease=self.runner if spec.per_process else "", period=period, started_at=now,
                     runner=self.runner)
        with self._runs() as repo:
            # An unfinished run younger than the timeout is in flight elsewhere; an older one died with its process.
            won = repo.claim(run, busy_since=now - spec.timeout)
        if not won:
            logger.debug("job %s: period %d is another runner's", spec.name, period)
            return None
        logger.info("job %s: period %d started by %s", spec.name, period, self.runner)
        return run

    def _execute(self, slot: _Slot, run: JobRun) -> None:
        try:
            try:
                detail, outcome = slot.spec.run(run.started_at) or "", JobOutcome.OK
            except Exception as exc:
                logger.exception("job %s: period %d failed", run.job, run.period)
                detail, outcome = f"{type(exc).__name__}: {exc}", JobOutcome.FAILED
            if not self._record(slot, run, outcome, detail, self._clock()):
                logger.warning("job %s: period %d ended (%s) after its timeout was recorded", run.job, run.period,
                               outcome)
        finally:
            self._release(slot)

    def _check_timeout(self, slot: _Slot, now: datetime) -> None:
        with self._changed:
            run = slot.running
            if run is None or slot.timed_out or now - run.started_at < slot.spec.timeout:
                return
            slot.timed_out = True
        # A thread cannot be stopped: the run is reported now, and the job waits until it returns.
        # Work that can hang belongs in the worker pool (jobs.pool), which kills it.
        logger.error("job %s: period %d still running after %s", run.job, run.period, slot.spec.timeout)
        if not self._record(slot, run, JobOutcome.TIMEOUT, f"still running after {slot.spec.timeout}", now):
            with self._changed:
                slot.timed_out = False  # not written (store away, or it just ended): look again next tick

    def _record(self, slot: _Slot, run: JobRun, outcome: JobOutcome, detail: str, at: datetime) -> bool:
        try:
            with self._runs() as repo:
                return repo.finish(job=run.job, lease=run.lease, period=run.period, outcome=outcome,
                                   detail=cut_detail(detail), finished_at=at)
        except Exception:
            logger.exception("job %s: cannot record period %d as %s", run.job, run.period, outcome)
            return False

    def _release(self, slot: _Slot) -> None:
        with self._changed:
            slot.running, slot.timed_out = None, False
            self._changed.notify_all()

    def start(self, *, tick_s: float = 1.0) -> None:
        """Call run_due(clock()) now and every tick_s seconds in a background thread, until stop()."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, args=(tick_s,), name="job-scheduler", daemon=True)
        self._thread.start()
        logger.info("scheduler started as %s: %s", self.runner, ", ".join(self._slots))

    def _loop(self, tick_s: float) -> None:
        while True:
            try:
                self.run_due(self._clock())
            except Exception:
                logger.exception("scheduler tick failed")
            if self._stop.wait(tick_s):
                return

    def stop(self, *, wait_s: float = 5.0) -> None:
        """Stop starting runs, and wait up to wait_s seconds for the runs in flight to end."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(wait_s)
        with self._changed:
            if not self._changed.wait_for(lambda: not any(s.running for s in self._slots.values()), wait_s):
                logger.warning("scheduler stopped with runs in flight: %s",
                               ", ".join(n for n, s in self._slots.items() if s.running))
