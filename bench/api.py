"""Benchmark the HTTP API with authentication: login latency (argon2id) and authenticated reads and writes.

Prints one JSON line. Usage: python bench/api.py [--store sqlite|postgis] [--requests 300]
Needs PostgreSQL with PostGIS on 127.0.0.1:5432 (trust) for --store postgis.
"""

from __future__ import annotations

import argparse
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
from gridwatch.runtime import Core, open_migrated_store  # noqa: E402
from gridwatch.towns import load_town  # noqa: E402
from town.generate import generate_town  # noqa: E402

PASSWORD = "Bench-Gridwatch-2026"


def timed(call) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = call()
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", choices=("postgis", "sqlite"), default="sqlite")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--logins", type=int, default=20)
    args = parser.parse_args()

    with scratch_store_url(args.store) as url:
        core = Core(store=open_migrated_store(url))
        load_town(core.store, generate_town(7))
        with core.store.unit_of_work() as uow:
            create_user(users=uow.users, username="op", password=PASSWORD, role=Role.OPERATOR, now=datetime.now(UTC))
        app = create_app(store=core.store, locator=core.locator, data_dir=Path(tempfile.mkdtemp()))
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
    }))


if __name__ == "__main__":
    main()
