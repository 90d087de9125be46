"""Contract of JobRunRepository, run against every backend: a (job, lease, period) is claimed once."""

from __future__ import annotations


import pytest

from jobs.models import JobOutcome, JobRun
from storage import Store, StorageError
from tests.factories import at


def _run(period: int = 1, *, job: str = "retention", lease: str = "", runner: str = "worker@a:1", minute: float = 0) -> JobRun:
    return JobRun(job=job, lease=lease, period=period, started_at=at(minute), runner=runner)


def _claim(store: Store, run: JobRun, *, busy_since_minute: float = -60) -> bool:
    with store.unit_of_work() as uow:
        return uow.job_runs.claim(run, busy_since=at(busy_since_minute))


def _finish(store: Store, run: JobRun, outcome: JobOutcome = JobOutcome.OK, detail: str = "done", minute: float = 1) -> bool:
    with store.unit_of_work() as uow:
        return uow.job_runs.finish(job=run.job, lease=run.lease, period=run.period, outcome=outcome, detail=detail,
                                   finished_at=at(minute))


def test_a_period_is_claimed_once_even_after_its_run_finished(store: Store) -> None:
    assert _claim(store, _run(1)) is True
    assert _claim(store, _run(1, runner="worker@b:2")) is False
    assert _finish(store, _run(1)) is True
    assert _claim(store, _run(1, runner="worker@b:2", minute=2)) is False
    with store.unit_of_work() as uow:
        (latest,) = uow.job_runs.latest()
    assert (latest.period, latest.runner, latest.outcome, latest.detail) == (1, "worker@a:1", JobOutcome.OK, "done")


def test_an_unfinished_run_blocks_the_next_period_until_its_timeout(store: Store) -> None:
    assert _claim(store, _run(1, minute=0))
    # Period 2 begins while period 1 still runs, and period 1 started after busy_since: no overlap.
    assert _claim(store, _run(2, runner="worker@b:2", minute=5), busy_since_minute=-1) is False
    # Past the timeout the unfinished run is taken for dead (its process died) and no longer blocks.
    assert _claim(store, _run(3, runner="worker@b:2", minute=20), busy_since_minute=10) is True
    assert _finish(store, _run(3), minute=21)
    assert _claim(store, _run(4, minute=30), busy_since_minute=29) is True


def test_per_process_leases_and_other_jobs_do_not_block_each_other(store: Store) -> None:
    assert _claim(store, _run(1, job="index-refresh", lease="api@a:1", runner="api@a:1"))
    assert _claim(store, _run(1, job="index-refresh", lease="api@b:2", runner="api@b:2"))
    assert _claim(store, _run(1, job="retention"))
    assert not _claim(store, _run(1, job="index-refresh", lease="api@a:1", runner="api@a:1"))


def test_finish_records_the_first_word_only(store: Store) -> None:
    run = _run(7)
    assert _claim(store, run)
    assert _finish(store, run, JobOutcome.TIMEOUT, "still running after 0:05:00", minute=5) is True
    assert _finish(store, run, JobOutcome.OK, "late", minute=9) is False
    assert _finish(store, _run(8), JobOutcome.OK) is False  # never claimed
    with store.unit_of_work() as uow:
        (latest,) = uow.job_runs.latest()
    assert latest.outcome is JobOutcome.TIMEOUT and latest.finished_at == at(5)
    assert latest.detail == "still running after 0:05:00" and latest.started_at == at(0)


def test_latest_gives_the_newest_run_of_each_job_by_name(store: Store) -> None:
    for period, minute in ((1, 0), (2, 60), (3, 120)):
        assert _claim(store, _run(period, job="retention", minute=minute), busy_since_minute=minute - 1)
        _finish(store, _run(period, job="retention"), minute=minute + 1)
    assert _claim(store, _run(5, job="index-refresh", lease="api@a:1", minute=30))
    with store.unit_of_work() as uow:
        latest = uow.job_runs.latest()
    assert [(r.job, r.period, r.outcome) for r in latest] == [("index-refresh", 5, JobOutcome.RUNNING),
                                                               ("retention", 3, JobOutcome.OK)]
    assert latest[0].finished_at is None and latest[0].lease == "api@a:1"


def test_delete_older_than_removes_old_runs_in_bounded_batches(store: Store) -> None:
    for period in range(5):
        assert _claim(store, _run(period, minute=period * 10), busy_since_minute=period * 10)
    with store.unit_of_work() as uow:
        assert uow.job_runs.delete_older_than(at(25), limit=2) == 2
    with store.unit_of_work() as uow:
        assert uow.job_runs.delete_older_than(at(25), limit=2) == 1
        assert uow.job_runs.delete_older_than(at(25), limit=2) == 0
        assert [r.period for r in uow.job_runs.latest()] == [4]


def test_claim_refuses_a_naive_time(store: Store) -> None:
    naive = JobRun(job="retention", lease="", period=1, started_at=at(0).replace(tzinfo=None), runner="x")
    with pytest.raises(StorageError, match="started_at"):
        _claim(store, naive)
