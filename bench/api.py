"""Benchmark the HTTP API with authentication: login latency (argon2id) and authenticated reads and writes.

Then, while a writer reports cases at a steady rate (as the ingest would), list cases again without and with
--clients open live-feed streams, to show whether reads wait for writes and whether streams cost every reader.

Prints one JSON line. Usage: python bench/api.py [--store sqlite|postgis] [--requests 300] [--clients 50]
Needs PostgreSQL with PostGIS on 127.0.0.1:5432 (trust) for --store postgis.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import tempfile
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import uvicorn  # noqa: E402

from access.models import Role  # noqa: E402
from access.ratelimit import RateLimiter  # noqa: E402
from access.service import create_user  # noqa: E402
from api.app import create_app  # noqa: E402
from bench.spine import percentile, scratch_store_url  # noqa: E402
from cases.models import CaseSource  # noqa: E402
from cases.service import CaseCreate  # noqa: E402
from cases.use_cases import report_case_and_announce  # noqa: E402
from gridwatch.runtime import Core, open_migrated_store  # noqa: E402
from gridwatch.towns import load_town  # noqa: E402
from town.generate import generate_town  # noqa: E402

PASSWORD = "Bench-Gridwatch-2026"


def timed(call) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = call()
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


class CountingStore:
    """The store as the API sees it, counting the transactions the API opens (reads and writes)."""

    def __init__(self, inner: object) -> None:
        self._inner, self.transactions = inner, 0

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        attr = getattr(self._inner, name)
        if name in ("unit_of_work", "read_only"):
            def opened():  # type: ignore[no-untyped-def]
                self.transactions += 1  # a lost increment between threads is noise at these rates
                return attr()
            return opened
        return attr


class Writer:
    """Report a case and announce it on the feed every 1/rate seconds in a thread, like a steady ingest."""

    def __init__(self, core: Core, rate_per_s: float) -> None:
        self.core, self.period, self.written = core, 1.0 / rate_per_s, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        next_at = time.monotonic()
        while not self.stop.is_set():
            now = datetime.now(UTC)
            with self.core.store.unit_of_work() as uow:
                self.core.locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
                report_case_and_announce(uow, case_in=CaseCreate(
                    title="bench writer", category="dispute", lon=120.0, lat=32.3, source=CaseSource.HOTLINE),
                    grid_path=self.core.locator.grid_path(120.0, 32.3), actor="bench:writer", at=now,
                    case_clock=self.core.case_clock)
            self.written += 1
            next_at += self.period
            self.stop.wait(max(0.0, next_at - time.monotonic()))


class Streams:
    """Hold N live-feed streams open (one asyncio thread) and count the events each receives."""

    def __init__(self, base_url: str, tickets: list[str]) -> None:
        self.base_url, self.tickets = base_url, tickets
        self.received = [0] * len(tickets)
        self.connected = 0
        self.ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self.thread = threading.Thread(target=self._loop.run_until_complete, args=(self._main(),), daemon=True)

    async def _one(self, client: httpx.AsyncClient, index: int) -> None:
        async with client.stream("GET", "/api/events/stream", params={"ticket": self.tickets[index]}) as answer:
            answer.raise_for_status()
            self.connected += 1
            if self.connected == len(self.tickets):
                self.ready.set()
            async for line in answer.aiter_lines():
                if line.startswith("id:"):
                    self.received[index] += 1

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        limits = httpx.Limits(max_connections=len(self.tickets) + 5)
        async with httpx.AsyncClient(base_url=self.base_url, timeout=None, limits=limits) as client:
            tasks = [asyncio.create_task(self._one(client, i)) for i in range(len(self.tickets))]
            await self._stop.wait()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def start(self) -> None:
        self.thread.start()
        if not self.ready.wait(60):
            raise RuntimeError(f"only {self.connected} of {len(self.tickets)} streams connected")

    def close(self) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self.thread.join(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", choices=("postgis", "sqlite"), default="sqlite")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50, help="open live-feed streams in the last phase")
    parser.add_argument("--write-rate", type=float, default=20.0, help="cases reported per second by the writer")
    parser.add_argument("--idle-s", type=float, default=3.0, help="seconds to count store transactions of idle streams")
    args = parser.parse_args()

    with scratch_store_url(args.store) as url:
        core = Core(store=open_migrated_store(url))
        load_town(core.store, generate_town(7))
        with core.store.unit_of_work() as uow:
            create_user(users=uow.users, username="op", password=PASSWORD, role=Role.OPERATOR, now=datetime.now(UTC))
        counting = CountingStore(core.store)
        app = create_app(store=counting, locator=core.locator, data_dir=Path(tempfile.mkdtemp()),  # type: ignore[arg-type]
                         case_clock=core.case_clock)
        app.state.login_limiter = RateLimiter(name="login", rate_per_s=1e6, burst=10**9, clock=time.monotonic)
        app.state.intake_limiter = RateLimiter(name="intake", rate_per_s=1e6, burst=10**9, clock=time.monotonic)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                form = {"username": "op", "password": PASSWORD}
                logins = [timed(lambda: http.post("/api/auth/token", data=form)) for _ in range(args.logins)]
                token = http.post("/api/auth/token", data=form).json()["access_token"]
                http.headers["Authorization"] = f"Bearer {token}"
                report = {"title": "bench", "category": "dispute", "lon": 120.0, "lat": 32.3}
                for _ in range(50):
                    http.post("/api/cases", json=report)
                started = time.perf_counter()
                reads = [timed(lambda: http.get("/api/cases", params={"limit": 50})) for _ in range(args.requests)]
                read_seconds = time.perf_counter() - started
                writes = [timed(lambda: http.post("/api/cases", json=report)) for _ in range(args.requests // 3)]

                def list_cases() -> list[float]:
                    return [timed(lambda: http.get("/api/cases", params={"limit": 50})) for _ in range(args.requests)]

                writer = Writer(core, args.write_rate)
                writer.thread.start()
                try:
                    with_writer = list_cases()
                    tickets = [http.post("/api/auth/stream-ticket").json()["ticket"] for _ in range(args.clients)]
                    streams = Streams(f"http://127.0.0.1:{port}", tickets)
                    streams.start()
                    try:
                        # With streams open and nobody else asking: what does keeping them fed cost the store?
                        idle_from, idle_started = counting.transactions, time.perf_counter()
                        time.sleep(args.idle_s)
                        idle_tx_per_s = (counting.transactions - idle_from) / (time.perf_counter() - idle_started)
                        written_before = writer.written
                        with_streams = list_cases()
                        written_during = writer.written - written_before
                        time.sleep(1.0)  # let the last announcements reach the streams
                    finally:
                        streams.close()
                finally:
                    writer.stop.set()
                    writer.thread.join(10)
        finally:
            server.should_exit = True
            thread.join(10)
            core.store.close()

    print(json.dumps({
        "bench": "api", "store": args.store,
        "login_ms_p50": round(statistics.median(logins), 2),
        "list_cases_ms_p50": round(statistics.median(reads), 2), "list_cases_ms_p99": round(percentile(reads, 0.99), 2),
        "list_cases_per_s": round(len(reads) / read_seconds, 1),
        "report_case_ms_p50": round(statistics.median(writes), 2), "report_case_ms_p99": round(percentile(writes, 0.99), 2),
        "write_rate_per_s": args.write_rate,
        "list_cases_writer_ms_p50": round(statistics.median(with_writer), 2),
        "list_cases_writer_ms_p99": round(percentile(with_writer, 0.99), 2),
        "clients": args.clients,
        "list_cases_streams_ms_p50": round(statistics.median(with_streams), 2),
        "list_cases_streams_ms_p99": round(percentile(with_streams, 0.99), 2),
        "written_while_streaming": written_during,
        "streams_store_tx_per_s": round(idle_tx_per_s, 1),
        "events_per_client_min": min(streams.received), "events_per_client_max": max(streams.received),
    }))


if __name__ == "__main__":
    main()
