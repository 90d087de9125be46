"""The worker pool with real worker processes: a hung task is killed at its timeout, the pool answers on."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from jobs.errors import JobError
from jobs.pool import TaskOutcome, WorkerPool
from tests.jobs import tasks


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    """One worker process, so a replaced worker shows as a new pid; a long grace, so pebble's timer must act."""
    with WorkerPool(workers=1, grace_s=60) as started:
        yield started


@pytest.mark.parametrize("stuck", [tasks.hang, tasks.spin], ids=["sleeps-forever", "loops-forever"])
def test_a_hung_task_is_killed_at_its_timeout_and_a_new_worker_answers_the_next(
        pool: WorkerPool, stuck: Callable[[], None]) -> None:
    before = pool.run(tasks.pid, timeout_s=30)
    assert before.ok

    began = time.monotonic()
    result = pool.run(stuck, timeout_s=0.5)

    # Far below the 60 s grace: the pool's own timer killed the task, not the caller giving up.
    assert time.monotonic() - began < 30
    assert result.outcome is TaskOutcome.TIMEOUT and result.value is None
    assert stuck.__name__ in result.message and "0.5s" in result.message
    after = pool.run(tasks.pid, timeout_s=30)
    assert after.ok and after.value != before.value


def test_a_task_that_raises_gives_an_error_result_with_its_message(pool: WorkerPool) -> None:
    result = pool.run(tasks.fail, "frame 17 is corrupt", timeout_s=30)
    assert result.outcome is TaskOutcome.ERROR and not result.ok
    assert result.message == "fail: ValueError: frame 17 is corrupt"
    assert pool.run(tasks.pid, timeout_s=30).ok


def test_a_worker_that_dies_gives_an_error_result_and_is_replaced(pool: WorkerPool) -> None:
    result = pool.run(tasks.die, timeout_s=30)
    assert result.outcome is TaskOutcome.ERROR and "exit code 3" in result.message
    assert pool.run(tasks.pid, timeout_s=30).ok


def test_a_task_needs_a_positive_timeout_and_a_pool_a_worker(pool: WorkerPool) -> None:
    with pytest.raises(JobError, match="timeout_s"):
        pool.run(tasks.pid, timeout_s=0)
    with pytest.raises(JobError, match="workers"):
        WorkerPool(workers=0)
