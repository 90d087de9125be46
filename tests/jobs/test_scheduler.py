"""The scheduler decides on the time it is given: once per period, never twice at once, timeouts reported."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from jobs.errors import JobError
from jobs.models import JobOutcome, JobSpec
from jobs.repository import JobRunRepository
from jobs.scheduler import Scheduler
from storage import Store

MINUTE = timedelta(minutes=1)
# Period 1 of a one-minute job begins one minute after the epoch.
P1 = datetime(1970, 1, 1, 0, 1, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class HeldLauncher:
    """Starts nothing by itself: the test lets each held run go when it wants it to end."""

    def __init__(self) -> None:
        self.held: list[Callable[[], None]] = []

    def __call__(self, name: str, work: Callable[[], None]) -> None:
        self.held.append(work)

    def finish_all(self) -> None:
        while self.held:
            self.held.pop(0)()


def job_runs_of(store: Store) -> Callable[[], AbstractContextManager[JobRunRepository]]:
    @contextmanager
    def runs() -> Iterator[JobRunRepository]:
        with store.unit_of_work() as uow:
            yield uow.job_runs
    return runs


def run_now(name: str, work: Callable[[], None]) -> None:
    work()


def _latest(store: Store) -> dict[str, tuple[int, JobOutcome, str]]:
    with store.unit_of_work() as uow:
        return {r.job: (r.period, r.outcome, r.detail) for r in uow.job_runs.latest()}


def test_a_job_runs_once_in_period_one_and_again_in_period_two(store: Store) -> None:
    seen: list[datetime] = []
    job = JobSpec("tick", interval=MINUTE, timeout=MINUTE, run=lambda at: seen.append(at) or f"ran at {at:%H:%M:%S}")
    clock = Clock(P1)
    scheduler = Scheduler([job], runs=job_runs_of(store), runner="test@a:1", clock=clock, launch=run_now)

    assert [r.period for r in scheduler.run_due(P1)] == [1]
    assert scheduler.run_due(P1 + timedelta(seconds=1)) == []
    assert scheduler.run_due(P1 + timedelta(seconds=59)) == []
    assert [r.period for r in scheduler.run_due(P1 + MINUTE)] == [2]
    assert seen == [P1, P1 + MINUTE]
    assert _latest(store) == {"tick": (2, JobOutcome.OK, "ran at 00:02:00")}


def test_a_second_scheduler_does_not_run_a_period_the_first_one_ran(store: Store) -> None:
    seen: list[str] = []
    jobs = [JobSpec("tick", interval=MINUTE, timeout=MINUTE, run=lambda at: seen.append("a") or "")]
    other = [JobSpec("tick", interval=MINUTE, timeout=MINUTE, run=lambda at: seen.append("b") or "")]
    first = Scheduler(jobs, runs=job_runs_of(store), runner="test@a:1", clock=Clock(P1), launch=run_now)
    second = Scheduler(other, runs=job_runs_of(store), runner="test@b:2", clock=Clock(P1), launch=run_now)

    assert len(first.run_due(P1)) == 1
    assert second.run_due(P1 + timedelta(seconds=2)) == []
    assert len(second.run_due(P1 + MINUTE)) == 1
    assert first.run_due(P1 + MINUTE) == []
    assert seen == ["a", "b"]


def test_a_job_still_running_is_not_started_again_until_it_ends(store: Store) -> None:
    launcher = HeldLauncher()
    job = JobSpec("slow", interval=MINUTE, timeout=timedelta(minutes=5), run=lambda at: "done")
    clock = Clock(P1)
    scheduler = Scheduler([job], runs=job_runs_of(store), runner="test@a:1", clock=clock, launch=launcher)

    assert len(scheduler.run_due(P1)) == 1
    assert scheduler.running() == ["slow"]
    # Period 2 begins while period 1 still runs: nothing starts, here or (via the store) anywhere else.
    assert scheduler.run_due(P1 + MINUTE) == []
    assert scheduler.run_due(P1 + MINUTE + timedelta(seconds=1)) == []
    assert len(launcher.held) == 1
    clock.now = P1 + MINUTE + timedelta(seconds=30)
    launcher.finish_all()
    assert scheduler.running() == []
    # Once it ended, period 2 has its run after all.
    assert [r.period for r in scheduler.run_due(P1 + MINUTE + timedelta(seconds=31))] == [2]


def test_a_run_past_its_timeout_is_recorded_as_timeout_and_its_late_end_does_not_overwrite_it(store: Store) -> None:
    launcher = HeldLauncher()
    job = JobSpec("stuck", interval=timedelta(minutes=10), timeout=MINUTE, run=lambda at: "finally")
    clock = Clock(P1)
    scheduler = Scheduler([job], runs=job_runs_of(store), runner="test@a:1", clock=clock, launch=launcher)

    started = scheduler.run_due(P1)
    assert scheduler.run_due(P1 + timedelta(seconds=59)) == []
    assert _latest(store)["stuck"][1] is JobOutcome.RUNNING
    scheduler.run_due(P1 + MINUTE)
    assert _latest(store)["stuck"][:2] == (started[0].period, JobOutcome.TIMEOUT)
    launcher.finish_all()
    assert _latest(store)["stuck"] == (started[0].period, JobOutcome.TIMEOUT, "still running after 0:01:00")


def test_a_job_that_raises_is_recorded_as_failed_and_runs_next_period(store: Store) -> None:
    def boom(at: datetime) -> str:
        raise RuntimeError("disk full")

    job = JobSpec("boom", interval=MINUTE, timeout=MINUTE, run=boom)
    scheduler = Scheduler([job], runs=job_runs_of(store), runner="test@a:1", clock=Clock(P1), launch=run_now)
    scheduler.run_due(P1)
    assert _latest(store) == {"boom": (1, JobOutcome.FAILED, "RuntimeError: disk full")}
    assert len(scheduler.run_due(P1 + MINUTE)) == 1


def test_a_per_process_job_runs_in_each_process_once_per_period(store: Store) -> None:
    counts = {"a": 0, "b": 0}

    def spec(who: str) -> JobSpec:
        return JobSpec("index-refresh", interval=MINUTE, timeout=MINUTE, per_process=True,
                       run=lambda at: counts.__setitem__(who, counts[who] + 1) or "")

    a = Scheduler([spec("a")], runs=job_runs_of(store), runner="api@a:1", clock=Clock(P1), launch=run_now)
    b = Scheduler([spec("b")], runs=job_runs_of(store), runner="api@b:2", clock=Clock(P1), launch=run_now)
    for scheduler in (a, b, a, b):
        scheduler.run_due(P1)
    assert counts == {"a": 1, "b": 1}


def test_job_specs_refuse_bad_names_intervals_and_duplicates(store: Store) -> None:
    with pytest.raises(JobError, match="name"):
        JobSpec("Bad Name", interval=MINUTE, timeout=MINUTE, run=lambda at: "")
    with pytest.raises(JobError, match="interval"):
        JobSpec("fast", interval=timedelta(milliseconds=10), timeout=MINUTE, run=lambda at: "")
    with pytest.raises(JobError, match="timeout"):
        JobSpec("never", interval=MINUTE, timeout=timedelta(0), run=lambda at: "")
    job = JobSpec("twice", interval=MINUTE, timeout=MINUTE, run=lambda at: "")
    with pytest.raises(JobError, match="twice"):
        Scheduler([job, job], runs=job_runs_of(store), runner="x", clock=Clock(P1))
    with pytest.raises(JobError, match="timezone"):
        job.period_of(datetime(2024, 1, 1))
