"""FeedHub: one poller, streams that join late replay then follow without gaps or repeats, slow streams end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from api.feedhub import FeedHub
from storage import FeedEntry, Store
from tests.factories import at

# The hub's own poller sleeps this long between polls, so the tests drive poll_once themselves.
NEVER_S = 3600.0


def append(store: Store, count: int) -> list[int]:
    """Append count entries to the feed and return their ids."""
    with store.unit_of_work() as uow:
        return [uow.feed.append("test", {"n": n}, at=at(n)).id for n in range(count)]


def ids(batch: list[FeedEntry] | None) -> list[int]:
    return [e.id for e in batch or []]


def run(scenario: Coroutine[Any, Any, None]) -> None:
    asyncio.run(scenario)


async def until(predicate: Any) -> None:
    """Let the loop (and the store's worker threads) run until predicate() holds; fail after 10 s."""
    for _ in range(10_000):
        if predicate():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the loop never got there")


def test_a_stream_from_before_the_hub_replays_from_the_store_then_follows_without_gap_or_repeat(store: Store) -> None:
    async def scenario() -> None:
        hub = FeedHub(store, interval_s=NEVER_S)
        append(store, 3)
        await hub.start()
        assert hub.position == 3
        append(store, 2)  # committed, but the hub has not read them yet
        stream: AsyncIterator[list[FeedEntry]] = hub.follow(1)
        assert ids(await anext(stream)) == [2, 3]
        await hub.poll_once()
        assert ids(await anext(stream)) == [4, 5]
        append(store, 1)
        await hub.poll_once()
        assert ids(await anext(stream)) == [6]
        await hub.stop()
        assert [batch async for batch in stream] == []

    run(scenario())


def test_a_stream_ahead_of_the_hub_gets_only_newer_entries(store: Store) -> None:
    async def scenario() -> None:
        hub = FeedHub(store, interval_s=NEVER_S)
        await hub.start()
        append(store, 5)
        stream = hub.follow(4)
        waiting = asyncio.ensure_future(anext(stream))
        await until(lambda: hub.subscribers == 1)
        await hub.poll_once()
        assert ids(await waiting) == [5]
        await hub.stop()

    run(scenario())


def test_every_follower_gets_every_batch_from_one_poll(store: Store) -> None:
    async def scenario() -> None:
        hub = FeedHub(store, interval_s=NEVER_S)
        streams = [hub.follow(None) for _ in range(5)]
        waiting = [asyncio.ensure_future(anext(s)) for s in streams]
        await until(lambda: hub.subscribers == 5)
        append(store, 3)
        await hub.poll_once()  # the hub's own first poll may have read them already; either way, once
        assert [ids(await w) for w in waiting] == [[1, 2, 3]] * 5
        await hub.stop()

    run(scenario())


def test_a_stream_too_slow_to_keep_up_is_ended_and_forgotten(store: Store) -> None:
    async def scenario() -> None:
        hub = FeedHub(store, interval_s=NEVER_S, max_queued=3)
        slow, quick = hub.follow(None), hub.follow(None)
        slow_first = asyncio.ensure_future(anext(slow))
        await until(lambda: hub.subscribers == 1)
        append(store, 1)
        await hub.poll_once()
        assert ids(await slow_first) == [1]  # slow now reads nothing more while the feed runs on
        quick_next = asyncio.ensure_future(anext(quick))
        await until(lambda: hub.subscribers == 2)
        append(store, 2)
        await hub.poll_once()
        assert ids(await quick_next) == [2, 3]
        append(store, 2)
        await hub.poll_once()  # slow would now hold 4 entries, over its bound of 3
        assert hub.subscribers == 1
        assert [batch async for batch in slow] == []
        assert ids(await anext(quick)) == [4, 5]
        await hub.stop()

    run(scenario())
