"""The ingest worker: drains the MQTT inbox in batches through the pipeline and acks what was stored."""

from __future__ import annotations

import logging
import queue
import threading

from gridwatch.pipeline import Pipeline
from iot.mqtt import InboundMessage, MqttSubscriber

logger = logging.getLogger(__name__)


class IngestWorker:
    """Runs the pipeline on its own thread so the MQTT network thread never waits on the store."""

    def __init__(self, *, subscriber: MqttSubscriber, pipeline: Pipeline, batch_size: int = 200) -> None:
        self.subscriber = subscriber
        self.pipeline = pipeline
        self.batch_size = batch_size
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gridwatch-ingest", daemon=True)

    def start(self) -> None:
        """Connect to the broker and start draining."""
        self._thread.start()
        self.subscriber.start()

    def stop(self, *, timeout_s: float = 10.0) -> None:
        """Disconnect, finish the messages already received, and stop."""
        self.subscriber.stop()
        self._stop.set()
        self._thread.join(timeout_s)

    def _next_batch(self) -> list[InboundMessage]:
        try:
            batch = [self.subscriber.inbox.get(timeout=0.2)]
        except queue.Empty:
            return []
        while len(batch) < self.batch_size:
            try:
                batch.append(self.subscriber.inbox.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        while not (self._stop.is_set() and self.subscriber.inbox.empty()):
            batch = self._next_batch()
            if not batch:
                continue
            try:
                self.pipeline.handle(batch)
            except Exception:
                # Not acked: the broker redelivers the batch to the persistent session after a reconnect.
                logger.exception("batch of %d messages could not be stored; left unacknowledged", len(batch))
                continue
            for message in batch:
                self.subscriber.ack(message)
