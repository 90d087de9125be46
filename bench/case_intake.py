"""Benchmark case intake through the HTTP API: classification, location (any CRS) and routing, on a real server.

The server is `create_app` under uvicorn in a process of its own (as `gridwatch serve` runs it), on a scratch store
with the synthetic town of seed 7; the load comes from this process over real HTTP (httpx, --concurrency requests
in flight). Three runs of the same reports, measured in the same run:

- insert: a bare INSERT of each case row through psycopg (PostGIS) or sqlite3, one transaction each: the floor;
- given: POST /api/cases with the category given (located, routed, logged, announced; no classification);
- classified: POST /api/cases without category: the classifier files it, then as above. The goal: >= 300 cases/s;
- batch: the same reports (no category) through POST /api/cases/batch, --batch reports a request, 2 in flight;
- ceiling: GET /api/lifecycle (authenticated: the session check, no other query) and a 404 (no route, no store)
  with the same client and concurrency: what this process's httpx client and the server's HTTP stack (and the
  session check) can carry on this machine at all, whatever the route does.

One server process by default, as `gridwatch serve` runs one uvicorn process; --servers N runs N sharing the port
(SO_REUSEPORT), as N `gridwatch serve` replicas behind a proxy would (docs/operations.md).

The intake rate limit (1 report/s per account, burst 30) is lifted: it guards against one abusive account, and
the benchmark measures what the pipeline can carry. Prints one JSON line.
Usage: python bench/case_intake.py [--store postgis|sqlite] [--cases 2000] [--concurrency 32]
Needs PostgreSQL with PostGIS on 127.0.0.1:5432 (trust) for --store postgis.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from access.models import Role  # noqa: E402
from access.service import create_user  # noqa: E402
from bench.spine import percentile, scratch_store_url  # noqa: E402
from cases.classify import load_labelled  # noqa: E402
from gridwatch.runtime import Core, open_migrated_store  # noqa: E402
from gridwatch.towns import load_town  # noqa: E402
from town.generate import generate_town  # noqa: E402

PASSWORD = "Bench-Gridwatch-2026"
GOAL_PER_S = 300.0
SECRET = "bench-only-secret-0123456789-0123456789-abcdef"


def serve(url: str, port: int, ready: object) -> None:
    """Run the app under uvicorn on port with the classifier warmed and the intake limit lifted (a child process)."""
    import uvicorn

    from access.ratelimit import RateLimiter
    from access.tokens import TokenPolicy
    from api.app import create_app

    core = Core(store=open_migrated_store(url))
    app = create_app(store=core.store, locator=core.locator, token_policy=TokenPolicy(secret=SECRET),
                     data_dir=Path(tempfile.mkdtemp()), warm_classifier=True)
    app.state.intake_limiter = RateLimiter(name="intake", rate_per_s=1e6, burst=10**9, clock=time.monotonic)
    app.state.batch_limiter = RateLimiter(name="batch", rate_per_s=1e6, burst=10**9, clock=time.monotonic)
    app.state.login_limiter = RateLimiter(name="login", rate_per_s=1e6, burst=10**9, clock=time.monotonic)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    # Several server processes share the port (as several `gridwatch serve` behind a proxy would share the load).
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    original = server.startup

    async def startup(sockets=None):  # type: ignore[no-untyped-def]
        await original([sock])
        await asyncio.to_thread(app.state.classifier_warm_up.join)
        ready.set()  # type: ignore[attr-defined]

    server.startup = startup  # type: ignore[method-assign]
    server.run()


def reports(town_bounds: tuple[float, float, float, float], count: int, seed: int = 11) -> list[dict]:
    """Return realistic reports: labelled texts, positions inside the town, every fourth one in GCJ-02."""
    rng = random.Random(seed)
    texts = [r.text for r in load_labelled()]
    west, south, east, north = town_bounds
    made = []
    for i in range(count):
        text = rng.choice(texts)
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        made.append({"title": text[:24], "description": text, "lon": round(lon, 6), "lat": round(lat, 6),
                     "crs": "gcj02" if i % 4 == 0 else "wgs84", "source": "hotline"})
    return made


async def post_all(base_url: str, token: str, bodies: list[dict], concurrency: int) -> tuple[float, list[float]]:
    """POST every body to /api/cases with concurrency requests in flight; return seconds and latencies in ms."""
    queue: asyncio.Queue[dict] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        async def worker() -> None:
            while not queue.empty():
                body = queue.get_nowait()
                started = time.perf_counter()
                answer = await client.post("/api/cases", json=body)
                if answer.status_code != 201:
                    raise RuntimeError(f"POST /api/cases: {answer.status_code} {answer.text[:200]}")
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, latencies


async def post_batches(base_url: str, token: str, bodies: list[dict], size: int, concurrency: int = 2) -> float:
    """POST the bodies to /api/cases/batch, size reports a request, concurrency requests in flight; return seconds."""
    chunks = [bodies[i:i + size] for i in range(0, len(bodies), size)]
    async with httpx.AsyncClient(base_url=base_url, timeout=300,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        async def worker() -> None:
            while chunks:
                answer = await client.post("/api/cases/batch", json={"reports": chunks.pop()})
                if answer.status_code != 200 or answer.json()["refused"]:
                    raise RuntimeError(f"POST /api/cases/batch: {answer.status_code} {answer.text[:200]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started


async def get_all(base_url: str, token: str, count: int, concurrency: int, path: str = "/api/lifecycle") -> float:
    """GET path count times with concurrency in flight: the client's and HTTP stack's ceiling; return seconds."""
    left = [count]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        async def worker() -> None:
            while left[0] > 0:
                left[0] -= 1
                if (await client.get(path)).status_code >= 500:
                    raise RuntimeError(f"GET {path} failed")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started


def bare_inserts(url: str, bodies: list[dict]) -> float:
    """Insert each report as a case row, one transaction each, through the driver alone; return cases/s."""
    now = datetime.now(UTC)
    rows = [(b["title"], "dispute", "hotline", "reported", "governance", b["lon"], b["lat"], now, now,
             b["description"]) for b in bodies]
    sql = ("INSERT INTO cases (version, title, category, source, status, platform, lon, lat, created_at, updated_at,"
           " description, reporter, reporter_phone)"
           " VALUES (1, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, '', '') RETURNING id")
    started = time.perf_counter()
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        for row in rows:
            with conn:
                conn.execute(sql.format(p="?"), (*row[:7], row[7].isoformat(), row[8].isoformat(), row[9])).fetchone()
        conn.close()
    else:
        import psycopg

        with psycopg.connect(url) as conn:
            for row in rows:
                with conn.transaction():
                    conn.execute(sql.format(p="%s"), row).fetchone()
    return len(rows) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("postgis", "sqlite"), default="postgis")
    parser.add_argument("--cases", type=int, default=2000, help="reports per run (given, then classified)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--servers", type=int, default=1, help="server processes sharing the port (SO_REUSEPORT)")
    parser.add_argument("--batch", type=int, default=250, help="reports per POST /api/cases/batch")
    args = parser.parse_args()

    town = generate_town(7)
    with scratch_store_url(args.store) as url:
        core = Core(store=open_migrated_store(url))
        load_town(core.store, town)
        with core.store.unit_of_work() as uow:
            create_user(users=uow.users, username="hotline", password=PASSWORD, role=Role.OPERATOR,
                        now=datetime.now(UTC))
        core.store.close()
        bodies = reports(town.town_grid.geometry.bounds, args.cases)
        insert_per_s = bare_inserts(url, bodies)

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        spawn = multiprocessing.get_context("spawn")
        readies = [spawn.Event() for _ in range(args.servers)]
        servers = [spawn.Process(target=serve, args=(url, port, ready), daemon=True) for ready in readies]
        for server in servers:
            server.start()
        try:
            if not all(ready.wait(300) for ready in readies):
                raise RuntimeError("the server did not start")
            base_url = f"http://127.0.0.1:{port}"
            token = httpx.post(f"{base_url}/api/auth/token", data={"username": "hotline", "password": PASSWORD},
                               timeout=30).json()["access_token"]
            # A short warm-up of both paths (connections, first-request imports), not counted.
            warm = [{**b, "category": "dispute"} for b in bodies[:50]] + bodies[:50]
            asyncio.run(post_all(base_url, token, warm, args.concurrency))
            ceiling_s = asyncio.run(get_all(base_url, token, len(bodies), args.concurrency))
            # No route, no store, no session check: what the client and the HTTP stack alone carry.
            http_s = asyncio.run(get_all(base_url, token, len(bodies), args.concurrency, path="/api/no-such-route"))
            given_s, given_ms = asyncio.run(post_all(base_url, token, [{**b, "category": "dispute"} for b in bodies],
                                                     args.concurrency))
            classified_s, classified_ms = asyncio.run(post_all(base_url, token, bodies, args.concurrency))
            batch_s = asyncio.run(post_batches(base_url, token, bodies, args.batch))
        finally:
            for server in servers:
                server.terminate()
                server.join(10)

    classified_per_s = len(bodies) / classified_s
    given_per_s = len(bodies) / given_s
    print(json.dumps({
        "bench": "case_intake", "store": args.store, "cases": len(bodies), "concurrency": args.concurrency,
        "classified_per_s": round(classified_per_s, 1),
        "classified_ms_p50": round(percentile(classified_ms, 0.5), 2),
        "classified_ms_p99": round(percentile(classified_ms, 0.99), 2),
        "given_per_s": round(given_per_s, 1), "given_ms_p50": round(percentile(given_ms, 0.5), 2),
        "bare_insert_per_s": round(insert_per_s, 1),
        "classified_vs_given": round(classified_per_s / given_per_s, 3),
        "classified_vs_bare_insert": round(classified_per_s / insert_per_s, 3),
        "batch_per_s": round(len(bodies) / batch_s, 1), "batch_size": args.batch,
        "ceiling_get_per_s": round(len(bodies) / ceiling_s, 1), "ceiling_404_per_s": round(len(bodies) / http_s, 1),
        "server_processes": args.servers,
        "goal_per_s": GOAL_PER_S, "goal_met_single": classified_per_s >= GOAL_PER_S,
        "goal_met_batch": len(bodies) / batch_s >= GOAL_PER_S,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
