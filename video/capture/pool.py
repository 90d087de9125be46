"""Probes on the worker pool: a read that hangs despite OpenCV's timeouts is ended by killing its worker."""

from __future__ import annotations

import logging
import signal
import time

from jobs.pool import PendingTask, TaskOutcome, WorkerPool
from video.capture.grab import Capture, grab_frames
from video.urls import redact_urls_in

logger = logging.getLogger(__name__)

# Past open + reads, the worker still has to start the decoder, release it and pickle the frames home.
HARD_TIMEOUT_MARGIN_S = 3.0


def probe_source(source: str, count: int, open_timeout_s: float, read_timeout_s: float) -> Capture:
    """Grab frames in a worker process (a module-level function of picklable arguments, so the pool can send it)."""
    # pebble ends an overdue task with SIGTERM, which its worker handles in Python; a Python handler cannot run
    # while FFmpeg blocks in C, so the worker would live on until pebble's SIGKILL 3 s later. The default
    # action ends the process at once. Restored after, so an idle worker still exits through pebble's cleanup.
    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        return grab_frames(source, count=count, open_timeout_s=open_timeout_s, read_timeout_s=read_timeout_s)
    finally:
        signal.signal(signal.SIGTERM, previous)


def default_hard_timeout_s(*, count: int, open_timeout_s: float, read_timeout_s: float) -> float:
    """Return the time past which a probe's worker is killed: every timeout used up, and a margin."""
    return open_timeout_s + count * read_timeout_s + HARD_TIMEOUT_MARGIN_S


class PendingProbe:
    """A probe queued on the pool; result() gives its Capture, at the latest a grace after its hard timeout."""

    def __init__(self, task: PendingTask, *, source: str, hard_timeout_s: float) -> None:
        self._task = task
        self.source = source  # redacted
        self.hard_timeout_s = hard_timeout_s

    def result(self) -> Capture:
        """Wait for the probe and return its Capture; a killed or crashed worker gives an offline one."""
        ended = self._task.result()
        if ended.ok:
            return ended.value
        if ended.outcome is TaskOutcome.TIMEOUT:
            error = f"cannot read {self.source}: timed out; worker killed after {self.hard_timeout_s:g} s"
        else:
            error = redact_urls_in(f"cannot read {self.source}: probe failed: {ended.message}")
        logger.warning("probe %s: %s", self.source, error)
        return Capture(source=self.source, error=error)


def submit_probe(pool: WorkerPool, source: str, *, count: int, open_timeout_s: float, read_timeout_s: float,
                 hard_timeout_s: float | None = None) -> PendingProbe:
    """Queue a probe of the source on the pool; its worker is killed if it runs past hard_timeout_s."""
    hard = hard_timeout_s or default_hard_timeout_s(count=count, open_timeout_s=open_timeout_s,
                                                    read_timeout_s=read_timeout_s)
    shown = redact_urls_in(source)
    task = pool.submit(probe_source, source, count, open_timeout_s, read_timeout_s, timeout_s=hard,
                       name=f"probe {shown}")
    return PendingProbe(task, source=shown, hard_timeout_s=hard)


def capture_in_pool(pool: WorkerPool, source: str, *, count: int, open_timeout_s: float, read_timeout_s: float,
                    hard_timeout_s: float | None = None) -> Capture:
    """Probe the source on the pool and wait for its Capture; never longer than the hard timeout and a grace."""
    began = time.monotonic()
    capture = submit_probe(pool, source, count=count, open_timeout_s=open_timeout_s, read_timeout_s=read_timeout_s,
                           hard_timeout_s=hard_timeout_s).result()
    logger.debug("probe %s: %.0f ms", capture.source, (time.monotonic() - began) * 1000)
    return capture
