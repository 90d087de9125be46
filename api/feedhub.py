"""One poller of the feed table per process, fanning new entries out to every open event stream."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator

from anyio import to_thread

from storage import FeedEntry, Store

logger = logging.getLogger(__name__)

POLL_INTERVAL_S = 0.25
PAGE = 500
# A stream further behind than this is cut off; it reconnects with Last-Event-ID and replays from the store.
MAX_QUEUED = 2000


class Subscription:
    """The entries waiting for one stream, bounded: a stream that falls too far behind is ended, not buffered."""

    def __init__(self, max_queued: int) -> None:
        self._entries: deque[FeedEntry] = deque()
        self._max_queued = max_queued
        self._wake = asyncio.Event()
        self.ended: str | None = None

    def offer(self, batch: list[FeedEntry]) -> None:
        """Queue a batch, or end the subscription when it would hold more than its bound."""
        if self.ended:
            return
        if len(self._entries) + len(batch) > self._max_queued:
            self._entries.clear()
            self.end("too slow")
            return
        self._entries.extend(batch)
        self._wake.set()

    def end(self, reason: str) -> None:
        """Stop the subscription; its reader gets nothing more."""
        self.ended = self.ended or reason
        self._wake.set()

    async def next_batch(self) -> list[FeedEntry] | None:
        """Wait for queued entries and return them all; None once the subscription has ended."""
        while not self._entries and not self.ended:
            self._wake.clear()
            await self._wake.wait()
        if self.ended:
            return None
        batch = list(self._entries)
        self._entries.clear()
        return batch


class FeedHub:
    """Poll the feed once per interval (read-only) and hand each new batch to every subscription.

    Every stream of the process shares the one poller, so store load does not grow with clients. It starts
    with the first stream, on that stream's event loop, and stops with the app.
    """

    def __init__(self, store: Store, *, interval_s: float = POLL_INTERVAL_S, max_queued: int = MAX_QUEUED) -> None:
        self._store = store
        self._interval_s = interval_s
        self._max_queued = max_queued
        self._subscriptions: set[Subscription] = set()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._started: asyncio.Future[None] | None = None
        self._polling = asyncio.Lock()
        self.position = 0

    @property
    def subscribers(self) -> int:
        """Return how many streams are following the hub."""
        return len(self._subscriptions)

    async def start(self) -> None:
        """Start polling on the running loop from the feed's newest entry, unless already polling there."""
        loop = asyncio.get_running_loop()
        if self._loop is loop and self._started is not None:
            await asyncio.shield(self._started)
            return
        # A new loop (another test client, a restarted server): the old poller died with its loop.
        self._loop, self._started = loop, loop.create_future()
        self._subscriptions.clear()
        self._polling = asyncio.Lock()
        try:
            self.position = await to_thread.run_sync(self._last_id)
        except BaseException as exc:
            self._started.set_exception(exc)
            self._started.exception()  # mark it retrieved; the callers below see it raised
            self._loop = self._started = None
            raise
        self._task = loop.create_task(self._run(), name="feed-hub")
        self._started.set_result(None)

    async def stop(self) -> None:
        """Stop polling and end every subscription."""
        task, self._task, self._loop, self._started = self._task, None, None, None
        for subscription in self._subscriptions:
            subscription.end("server stopping")
        self._subscriptions.clear()
        # A poller left on a loop that has ended (an earlier test client) is already gone with it.
        if task is not None and not task.done() and task.get_loop() is asyncio.get_running_loop():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    async def poll_once(self) -> int:
        """Read what is new since the hub's position, fan it out, and return how many entries came."""
        async with self._polling:  # one poll at a time, so no batch is read or handed out twice
            batch = await to_thread.run_sync(self._since, self.position)
            self._fan_out(batch)
        return len(batch)

    def _fan_out(self, batch: list[FeedEntry]) -> None:
        if not batch:
            return
        # No await from here to the end: a stream joining now sees either the old position or this batch.
        self.position = batch[-1].id
        for subscription in list(self._subscriptions):
            subscription.offer(batch)
            if subscription.ended:
                self._subscriptions.discard(subscription)

    async def follow(self, after: int | None) -> AsyncIterator[list[FeedEntry]]:
        """Yield batches of entries with id > after (None: from now on), without gaps or repeats, until ended."""
        await self.start()
        subscription = Subscription(self._max_queued)
        # Joining and reading the position happen with no await between, so the queue starts right after it.
        self._subscriptions.add(subscription)
        joined_at = self.position
        last = joined_at if after is None else after
        try:
            while last < joined_at:  # a reconnecting stream first replays what it missed from the store
                replay = [e for e in await to_thread.run_sync(self._since, last) if e.id <= joined_at]
                if not replay:
                    break
                last = replay[-1].id
                yield replay
            while (batch := await subscription.next_batch()) is not None:
                fresh = [e for e in batch if e.id > last]
                if fresh:
                    last = fresh[-1].id
                    yield fresh
            logger.info("feed stream ended: %s", subscription.ended)
        finally:
            self._subscriptions.discard(subscription)

    async def _run(self) -> None:
        while True:
            try:
                if await self.poll_once() >= PAGE:
                    continue  # more is waiting: read on before sleeping
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("feed hub could not read the feed; trying again")
            await asyncio.sleep(self._interval_s)

    def _since(self, last_id: int) -> list[FeedEntry]:
        with self._store.read_only() as uow:
            return uow.feed.since(last_id, limit=PAGE)

    def _last_id(self) -> int:
        with self._store.read_only() as uow:
            return uow.feed.last_id()
