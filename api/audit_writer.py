"""Group commit of audit entries: requests answered together share one transaction and one hold of the chain head.

Each entry links to the chain head, so appenders serialize on the head lock (audit/service.record); one
transaction per request meant every audited write held a pooled connection while it waited its turn. Here a
single writer thread takes every entry waiting, appends them in arrival order in one unit of work, and then
releases their requests: a request is still answered only after its entry is committed, as before.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from typing import Any

from audit.service import record
from storage import Store, StoreUnavailable

logger = logging.getLogger(__name__)

# Entries per transaction at most: a burst is written in a few short transactions, not one long one.
MAX_GROUP = 200
# The writer thread ends after this long without work (tests make many apps); the next entry starts it again.
IDLE_S = 1.0

Pending = tuple[dict[str, Any], Future[None]]


class AuditWriter:
    """Write audit entries in groups; submit() returns a future done when the entry is committed."""

    def __init__(self, store: Callable[[], Store], clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock
        self._queue: queue.SimpleQueue[Pending] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._running = False
        self.groups = 0  # transactions written (tests and the bench read it)

    def submit(self, entry: dict[str, Any]) -> Future[None]:
        """Queue one entry (the fields of audit.service.record but `at`); the future fails if it cannot be written."""
        done: Future[None] = Future()
        with self._lock:
            self._queue.put((entry, done))
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="audit-writer", daemon=True).start()
        return done

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=IDLE_S)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._running = False
                        return
                continue
            group = [first]
            while len(group) < MAX_GROUP:
                try:
                    group.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._write(group)

    def _write(self, group: list[Pending]) -> None:
        try:
            self._append(group)
        except StoreUnavailable:
            # The store is unreachable: every entry would wait out the pool's timeout again; fail them together.
            logger.exception("audit entries could not be written: %d", len(group))
            for _, done in group:
                done.set_exception(RuntimeError("audit entry could not be written: the store is unavailable"))
            return
        except Exception:
            if len(group) == 1:
                group[0][1].set_exception(RuntimeError("audit entry could not be written"))
                logger.exception("audit entry could not be written")
                return
            # One entry must not cost its neighbours theirs: write each on its own.
            for pending in group:
                self._write([pending])
            return
        for _, done in group:
            done.set_result(None)

    def _append(self, group: list[Pending]) -> None:
        with self._store().unit_of_work() as uow:
            for entry, _ in group:
                record(repo=uow.audit, at=self._clock(), **entry)
        self.groups += 1
