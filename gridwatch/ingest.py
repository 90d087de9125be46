"""The ingest worker: takes batches from the inbound source, stores them through the pipeline, acks what was stored."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from gridwatch.pipeline import Pipeline
from iot.inbound import Inbound, InboundMessage
from storage import StoreUnavailable

logger = logging.getLogger(__name__)

BACKOFF_START_S = 0.2
BACKOFF_CAP_S = 30.0


class Backoff:
    """Exponential delays from start to cap: 0.2, 0.4, 0.8 … 30 s."""

    def __init__(self, start_s: float = BACKOFF_START_S, cap_s: float = BACKOFF_CAP_S) -> None:
        self.start_s = start_s
        self.cap_s = cap_s
        self._next = start_s

    def next(self) -> float:
        """Return the delay to wait now and double the following one."""
        delay = self._next
        self._next = min(self._next * 2, self.cap_s)
        return delay

    def reset(self) -> None:
        """Start again from the shortest delay."""
        self._next = self.start_s


class IngestWorker:
    """Runs the pipeline on its own thread so the network thread never waits on the store.

    A batch is acknowledged only after it committed. When the store is unreachable the worker keeps the
    batch, takes nothing new (so the source's window fills and the broker holds the rest) and retries the
    same batch with backoff until the store answers.
    """

    def __init__(self, *, subscriber: Inbound, pipeline: Pipeline, batch_size: int = 200,
                 wait: Callable[[float], object] | None = None, backoff: Backoff | None = None,
                 poll_s: float = 0.2) -> None:
        self.subscriber = subscriber
        self.pipeline = pipeline
        self.batch_size = batch_size
        self._stop = threading.Event()
        # Waiting on the stop event lets stop() cut a long backoff short; tests pass their own wait.
        self._wait = wait or self._stop.wait
        self._backoff = backoff or Backoff()
        self._poll_s = poll_s
        self._held: list[InboundMessage] = []
        self._paused = False
        self._thread = threading.Thread(target=self._run, name="gridwatch-ingest", daemon=True)

    @property
    def paused(self) -> bool:
        """Return whether the worker is holding a batch because the store does not answer."""
        return self._paused

    @property
    def store_up(self) -> bool:
        """Return whether the last attempt reached the store."""
        return not self._paused

    def start(self) -> None:
        """Connect to the source and start draining."""
        self._thread.start()
        self.subscriber.start()

    def stop(self, *, timeout_s: float = 10.0) -> None:
        """Finish and ack the batch in hand, then disconnect; what is still unacked stays with the source."""
        self._stop.set()
        self._thread.join(timeout_s)
        self.subscriber.stop()

    def step(self) -> bool:
        """Take a batch (or keep the held one), try to store it, ack it if stored; return whether it was stored."""
        if not self._held:
            self._held = self.subscriber.next_batch(self.batch_size, self._poll_s)
            if not self._held:
                return False
            # Counted once on entry, however often a store outage makes us retry it.
            self.pipeline.stats.add({"received": len(self._held)})
        batch = self._held
        try:
            self.pipeline.handle(batch)
        except StoreUnavailable as exc:
            self._on_store_down(exc, len(batch))
            self._wait(self._backoff.next())
            return False
        except Exception:
            # Not a store outage: leave it unacked (the broker redelivers it to the persistent session after a
            # reconnect) and back off, so a failure that repeats does not spin.
            logger.exception("batch of %d messages failed; left unacknowledged", len(batch))
            self._held = []
            self._wait(self._backoff.next())
            return False
        try:
            self.subscriber.ack(batch)
        except Exception:
            # Stored already: the broker sends them again after a reconnect, and they count as duplicates.
            logger.exception("acknowledging %d stored messages failed; they will come again", len(batch))
        self._held = []
        self._backoff.reset()
        if self._paused:
            self._paused = False
            self.pipeline.stats.set_gauge("paused", 0)
            logger.warning("store answers again; ingest resumed")
        return True

    def _on_store_down(self, exc: StoreUnavailable, size: int) -> None:
        if self._paused:
            return
        self._paused = True
        self.pipeline.stats.add({"store_pauses": 1})
        self.pipeline.stats.set_gauge("paused", 1)
        # Once per outage and without a traceback: the reason is the store, not this code.
        logger.warning("store unavailable (%s); holding %d messages unacknowledged and retrying with backoff",
                       exc, size)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception:
                # Whatever else fails (the source, a bug), the worker thread must live on: a batch still held
                # is tried again at the next step (a stored one comes back as duplicates).
                logger.exception("ingest step failed; retrying")
                self._wait(self._backoff.next())
