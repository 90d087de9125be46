"""A bounded pool of worker processes for work that burns CPU or can hang: a task past its timeout is killed.

pebble's ProcessPool does the hard part: it terminates (then SIGKILLs) a worker whose task overran, starts
a new worker in its place, and fails that task's future with a TimeoutError. This module turns every end
of a task into a TaskResult, so a caller never sees a hang or a worker's exception escaping.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import CancelledError
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pebble import ProcessExpired, ProcessPool

from jobs.errors import JobError

logger = logging.getLogger(__name__)

# The caller waits this much longer than the task's timeout before giving up on pebble's answer.
GRACE_S = 5.0


class TaskOutcome(StrEnum):
    """How a task in the pool ended."""

    OK = "ok"
    TIMEOUT = "timeout"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class TaskResult:
    """A task's value when it ended well, else why not (timeout, or the error's message)."""

    outcome: TaskOutcome
    value: Any = None
    message: str = ""

    @property
    def ok(self) -> bool:
        """Return whether the task returned a value."""
        return self.outcome is TaskOutcome.OK


def _ignore_interrupt() -> None:
    # Ctrl-C reaches the whole process group; the parent stops the pool, workers must not die mid-task on it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class PendingTask:
    """A task handed to the pool; result() waits for how it ended."""

    def __init__(self, future: Any, *, name: str, timeout_s: float, grace_s: float) -> None:
        self._future = future
        self.name = name
        self.timeout_s = timeout_s
        self._grace_s = grace_s

    def result(self) -> TaskResult:
        """Wait until the task ends (at most its timeout and a grace), and say how it ended."""
        try:
            return TaskResult(TaskOutcome.OK, value=self._future.result(timeout=self.timeout_s + self._grace_s))
        except FutureTimeout:
            # pebble's timer killed the worker; or, should it not have, our wait ran out and cancel() kills it.
            self._future.cancel()
            logger.warning("task %s: killed after its timeout of %gs", self.name, self.timeout_s)
            return TaskResult(TaskOutcome.TIMEOUT, message=f"{self.name}: no answer within {self.timeout_s:g}s")
        except ProcessExpired as exc:
            logger.error("task %s: worker process died (exit code %s)", self.name, exc.exitcode)
            return TaskResult(TaskOutcome.ERROR, message=f"{self.name}: worker process died (exit code {exc.exitcode})")
        except CancelledError:
            return TaskResult(TaskOutcome.ERROR, message=f"{self.name}: cancelled (the pool was stopped)")
        except Exception as exc:
            return TaskResult(TaskOutcome.ERROR, message=f"{self.name}: {type(exc).__name__}: {exc}")


class WorkerPool:
    """At most `workers` processes; each task has a timeout after which its worker is killed and replaced.

    Tasks and their arguments cross a process boundary: pass module-level functions and picklable values.
    Workers start by forkserver, not fork, since the parent runs threads (HTTP, MQTT, the scheduler).
    """

    def __init__(self, *, workers: int = 2, max_tasks_per_worker: int = 0, start_method: str = "forkserver",
                 grace_s: float = GRACE_S) -> None:
        if workers < 1:
            raise JobError(f"worker pool: workers={workers} must be at least 1")
        self.workers = workers
        self._grace_s = grace_s
        self._pool = ProcessPool(max_workers=workers, max_tasks=max_tasks_per_worker, initializer=_ignore_interrupt,
                                 context=multiprocessing.get_context(start_method))
        logger.info("worker pool of %d processes ready", workers)

    def submit(self, fn: Callable[..., Any], *args: Any, timeout_s: float, name: str = "") -> PendingTask:
        """Queue fn(*args) for a worker process; it is killed if it runs longer than timeout_s."""
        if not timeout_s > 0:
            raise JobError(f"worker pool task {name or fn.__name__!r}: timeout_s={timeout_s} must be positive")
        future = self._pool.schedule(fn, args=args, timeout=timeout_s)
        return PendingTask(future, name=name or getattr(fn, "__name__", "task"), timeout_s=timeout_s,
                           grace_s=self._grace_s)

    def run(self, fn: Callable[..., Any], *args: Any, timeout_s: float, name: str = "") -> TaskResult:
        """Run fn(*args) in a worker process and return how it ended; never waits much past timeout_s."""
        return self.submit(fn, *args, timeout_s=timeout_s, name=name).result()

    def close(self) -> None:
        """Stop the workers now (tasks in flight end as errors) and wait for them to exit."""
        self._pool.stop()
        self._pool.join(timeout=10)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
