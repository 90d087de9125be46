"""The live feed over real HTTP: many streams share one poller, and a stream that reconnects misses nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.feedhub import POLL_INTERVAL_S
from storage import Store, UnitOfWork
from tests.api.conftest import PASSWORD, POLICY, add_accounts
from tests.factories import at
from tests.serving import serve_app

CLIENTS = 6
NEW_ENTRIES = 4


class CountingStore:
    """The test store, counting read-only units of work: every feed poll is one."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner
        self.name, self.url = inner.name, inner.url
        self.reads = 0
        self._lock = threading.Lock()

    def read_only(self) -> AbstractContextManager[UnitOfWork]:
        with self._lock:
            self.reads += 1
        return self._inner.read_only()

    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]:
        return self._inner.unit_of_work()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class Stream:
    """One SSE client in a thread, keeping the ids it receives until it has `want` of them."""

    def __init__(self, base_url: str, ticket: str, want: int, headers: dict[str, str] | None = None) -> None:
        self.ids: list[int] = []
        self.failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(base_url, ticket, want, headers or {}), daemon=True)
        self._thread.start()

    def _run(self, base_url: str, ticket: str, want: int, headers: dict[str, str]) -> None:
        try:
            with httpx.stream("GET", f"{base_url}/api/events/stream", params={"ticket": ticket}, headers=headers,
                              timeout=httpx.Timeout(20.0)) as answer:
                answer.raise_for_status()
                for line in answer.iter_lines():
                    if line.startswith("id:"):
                        self.ids.append(int(line[3:].strip()))
                        if len(self.ids) >= want:
                            return
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            self.failure = exc

    def join(self) -> None:
        self._thread.join(30)
        assert not self._thread.is_alive(), f"stream still waiting, has {self.ids}"
        assert self.failure is None, self.failure


@pytest.fixture
def served(store: Store, tmp_path: Path) -> Iterator[tuple[CountingStore, Any, str, httpx.Client]]:
    """Serve the app on a counting store over real HTTP; yield the store, the app, its URL and a logged-in client."""
    add_accounts(store)
    counting = CountingStore(store)
    app = create_app(store=counting, token_policy=POLICY, data_dir=tmp_path)  # type: ignore[arg-type]
    with serve_app(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as http:
        token = http.post("/api/auth/token", data={"username": "operator", "password": PASSWORD}).json()
        http.headers["Authorization"] = f"Bearer {token['access_token']}"
        yield counting, app, base_url, http


def _append(store: Store, count: int) -> list[int]:
    with store.unit_of_work() as uow:
        return [uow.feed.append("case.note", {"n": n}, at=at(n)).id for n in range(count)]


def _wait_for(predicate: Any, what: str) -> None:
    deadline = time.monotonic() + 15
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def test_many_streams_get_every_entry_while_store_polls_do_not_grow_with_clients(served: Any) -> None:
    store, app, base_url, http = served
    before = _append(store, 3)
    tickets = [http.post("/api/auth/stream-ticket").json()["ticket"] for _ in range(CLIENTS + 1)]
    live = [Stream(base_url, t, NEW_ENTRIES) for t in tickets[:CLIENTS]]
    # A browser that reconnects says the last id it saw; it gets what it missed, then the live entries.
    rejoining = Stream(base_url, tickets[CLIENTS], 2 + NEW_ENTRIES, headers={"Last-Event-ID": str(before[0])})
    hub = app.state.feed_hub
    _wait_for(lambda: hub.subscribers == CLIENTS + 1, "every stream to join the hub")
    reads_then, started = store.reads, time.monotonic()
    new = _append(store, NEW_ENTRIES)
    for stream in (*live, rejoining):
        stream.join()
    reads, elapsed = store.reads - reads_then, time.monotonic() - started
    assert all(stream.ids == new for stream in live), [s.ids for s in live]
    assert rejoining.ids == before[1:] + new
    # One poller: at most one read per interval however many streams are open (one each would be 7 per interval).
    assert reads <= elapsed / POLL_INTERVAL_S + 2, f"{reads} store reads in {elapsed:.2f}s for {CLIENTS + 1} streams"
    # Clients that hang up leave the hub: nothing is kept for them.
    _wait_for(lambda: hub.subscribers == 0, "closed streams to leave the hub")
