"""Benchmark the command-room page's load in Chromium: time to a usable map and bytes on the wire, 10,000 open cases.

The server is `create_app` under uvicorn in a child process (as `gridwatch serve` runs it) on a scratch store
with the synthetic town of seed 7, 700 cameras and --cases open cases spread over the town (inserted through the
store's repositories, located in their grids). Playwright drives Debian's Chromium headless, as the browser tests do.

Each run is a cold load: a fresh browser context logs in (not counted), the browser cache is cleared, then the page
is reloaded and timed from navigation to a usable map: `body[data-map-ready="true"]`, which the map sets once the
grids and the first case layer are drawn. Until a page sets it, the fallback is the app's `body[data-ready="true"]`
with the grid boundaries drawn; the JSON names the signal used. Bytes are the Chrome DevTools Protocol's
encodedDataLength of every response of the load (headers included): what crossed the wire.

Three variants in the same run, --runs each (median reported): gzip (the browser's own Accept-Encoding), identity
(Accept-Encoding: identity, as before compression) and a baseline: a blank page with Leaflet alone drawing one
polygon, the floor of this browser on this machine. Goal: a usable map in under 2 s. Prints one JSON line.
--mbps and --latency-ms emulate a slower link for the app's loads (the baseline stays unthrottled), where bytes
cost time; on loopback they cost almost none.
Usage: python bench/page_load.py [--store postgis|sqlite] [--cases 10000] [--cameras 700] [--runs 3] [--mbps 20]
Needs PostgreSQL with PostGIS on 127.0.0.1:5432 (trust) for --store postgis, and /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import random
import socket
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from access.models import Role  # noqa: E402
from access.service import create_user  # noqa: E402
from bench.spine import scratch_store_url  # noqa: E402
from cases.models import Case, CaseSource, CaseStatus, Platform  # noqa: E402
from gis.index import GridIndex  # noqa: E402
from gridwatch.runtime import open_migrated_store  # noqa: E402
from gridwatch.towns import load_town  # noqa: E402
from town.generate import generate_town  # noqa: E402
from town.models import Town  # noqa: E402

USERNAME, PASSWORD = "bench-operator", "Bench-Gridwatch-2026"
SECRET = "bench-only-secret-0123456789-0123456789-abcdef"
GOAL_S = 2.0
CHROMIUM = os.environ.get("GRIDWATCH_TEST_CHROMIUM", "/usr/bin/chromium")
# The e2e tests' launch arguments (tests/e2e/conftest.py): no background traffic muddies the byte count.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
OPEN_STATUSES = (CaseStatus.REPORTED, CaseStatus.ACCEPTED, CaseStatus.DISPATCHED)
CATEGORIES = ("safety_hazard", "dispute")
# Served by the benchmark itself at a path of the app's origin: Leaflet from the app's assets, nothing else.
BASELINE_PATH = "/__bench_baseline__"
BASELINE_HTML = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/static/leaflet/leaflet.css">
<style>html,body,#map{height:100%;margin:0;background:#0b1220}</style></head>
<body><div id="map"></div><script src="/static/leaflet/leaflet.js"></script>
<script>
const map = L.map("map").setView([32.3, 120.0], 13);
L.polygon([[32.28, 119.98], [32.32, 119.98], [32.32, 120.02]], { color: "#8fb4dc" }).addTo(map);
document.body.dataset.mapReady = "true";
</script></body></html>"""
MAP_READY = 'body[data-map-ready="true"]'
# Until the map sets data-map-ready: the app's first load is done and grid boundaries are drawn.
FALLBACK_JS = ("() => !!document.body && document.body.dataset.ready === 'true' && "
               "document.querySelectorAll('.leaflet-grids2-pane path, .leaflet-grids3-pane path').length > 0")
STATIC = Path(__file__).resolve().parent.parent / "api" / "static"


def serve(url: str, port: int, ready: Any) -> None:
    """Run the app under uvicorn on port with the login limit lifted (a child process)."""
    import uvicorn

    from access.ratelimit import RateLimiter
    from access.tokens import TokenPolicy
    from api.app import create_app

    store = open_migrated_store(url)
    app = create_app(store=store, token_policy=TokenPolicy(secret=SECRET), data_dir=Path(tempfile.mkdtemp()))
    app.state.login_limiter = RateLimiter(name="login", rate_per_s=1e6, burst=10**9, clock=time.monotonic)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    original = server.startup

    async def startup(sockets=None):  # type: ignore[no-untyped-def]
        await original(sockets)
        ready.set()

    server.startup = startup  # type: ignore[method-assign]
    server.run()


def with_cameras(town: Town, count: int, rng: random.Random) -> Town:
    """Return the town with count cameras: its own, and copies moved a little until there are enough."""
    cameras = list(town.cameras[:count])
    while len(cameras) < count:
        model = rng.choice(town.cameras)
        cameras.append(dataclasses.replace(model, id=f"CAM-B{len(cameras):04d}", name=f"{model.name} {len(cameras)}",
                                           lon=model.lon + rng.uniform(-0.002, 0.002),
                                           lat=model.lat + rng.uniform(-0.002, 0.002)))
    return dataclasses.replace(town, cameras=cameras)


def open_cases(town: Town, count: int, rng: random.Random) -> list[Case]:
    """Return count open cases at random points inside the town's grids, each with its grid path."""
    index = GridIndex(town.grids)
    west, south, east, north = town.town_grid.geometry.bounds
    now = datetime.now(UTC)
    made: list[Case] = []
    while len(made) < count:
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        path = index.locate(lon, lat).codes
        if not path:
            continue
        opened = now - timedelta(minutes=rng.uniform(1, 7 * 24 * 60))
        made.append(Case(title=f"巡查上报 {len(made)}", category=rng.choice(CATEGORIES), source=CaseSource.GRID_STAFF,
                         status=rng.choice(OPEN_STATUSES), platform=rng.choice(list(Platform)), lon=round(lon, 6),
                         lat=round(lat, 6), grid_path=path, created_at=opened, updated_at=opened,
                         description="占道经营，影响通行", reporter="网格员", reporter_phone="13800000000"))
    return made


def fill_store(url: str, *, cases: int, cameras: int) -> dict[str, float]:
    """Load the town, the cameras, the open cases and the bench's operator; return how long each took."""
    rng = random.Random(12)
    store = open_migrated_store(url)
    try:
        started = time.perf_counter()
        town = with_cameras(generate_town(7), cameras, rng)
        load_town(store, town)
        town_s = time.perf_counter() - started
        made = open_cases(town, cases, rng)
        started = time.perf_counter()
        # One transaction of 10,000 inserts: a few seconds, and the benchmark measures the page, not the intake.
        with store.unit_of_work() as uow:
            for case in made:
                uow.cases.add(case)
            create_user(users=uow.users, username=USERNAME, password=PASSWORD, role=Role.OPERATOR,
                        now=datetime.now(UTC))
        return {"town_s": round(town_s, 2), "cases_s": round(time.perf_counter() - started, 2)}
    finally:
        store.close()


def map_signal() -> str:
    """Return which readiness signal this page sets: the map's own, or the fallback."""
    uses = any("mapReady" in p.read_text(encoding="utf-8") for p in STATIC.glob("*.js"))
    return "data-map-ready" if uses else "data-ready+grid-paths"


class WireCount:
    """Sum what CDP reports for one load: bytes on the wire, bytes decoded, requests, and gzipped answers."""

    def __init__(self, cdp: Any) -> None:
        self.encoded = 0
        self.decoded = 0
        self.requests = 0
        self.gzipped = 0
        self.by_url: dict[str, int] = {}
        self._urls: dict[str, str] = {}
        self.counting = False
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event: dict[str, Any]) -> None:
        if not self.counting:
            return
        response = event["response"]
        self._urls[event["requestId"]] = response["url"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        if headers.get("content-encoding") == "gzip":
            self.gzipped += 1

    def _data(self, event: dict[str, Any]) -> None:
        if self.counting:
            self.decoded += event.get("dataLength", 0)

    def _finished(self, event: dict[str, Any]) -> None:
        if self.counting:
            self.requests += 1
            self.encoded += int(event.get("encodedDataLength", 0))
            url = self._urls.get(event["requestId"], "?").split("//", 1)[-1].split("/", 1)[-1].split("?")[0]
            self.by_url[url] = self.by_url.get(url, 0) + int(event.get("encodedDataLength", 0))


# Where the time went, from the page's own clock (ms since navigation start): HTML parsed, last start-up answer in.
PHASES_JS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const api = performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/"));
  const scripts = performance.getEntriesByType("resource").filter((e) => e.name.split("?")[0].endsWith(".js"));
  return { dom: nav ? nav.domContentLoadedEventEnd : 0, ready: performance.now(),
           scripts: Math.max(0, ...scripts.map((e) => e.responseEnd)),
           api: Math.max(0, ...api.map((e) => e.responseEnd)) };
}"""


def load_once(browser: Any, base_url: str, *, identity: bool, baseline: bool, signal: str,
              mbps: float = 0.0, latency_ms: float = 0.0) -> dict[str, Any]:
    """Log in (app variants), clear the cache, load the page once; return seconds to a usable map and its bytes."""
    headers = {"Accept-Encoding": "identity"} if identity else {}
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, extra_http_headers=headers)
    page = context.new_page()
    try:
        target = base_url + (BASELINE_PATH if baseline else "/")
        if baseline:
            page.route(f"**{BASELINE_PATH}", lambda route: route.fulfill(status=200, content_type="text/html",
                                                                         body=BASELINE_HTML))
        else:
            page.goto(target)
            page.fill("#login-username", USERNAME)
            page.fill("#login-password", PASSWORD)
            page.click("#login-submit")
            page.wait_for_selector("body[data-ready=true]", timeout=60_000)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        if mbps > 0:
            # A command room reached over a town's WAN or VPN, not loopback: where bytes cost time.
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency_ms,
                                                          "downloadThroughput": mbps * 125_000,
                                                          "uploadThroughput": mbps * 125_000})
        wire = WireCount(cdp)
        wire.counting = True
        started = time.perf_counter()
        page.goto(target, wait_until="commit")
        if baseline or signal == "data-map-ready":
            page.wait_for_selector(MAP_READY, state="attached", timeout=60_000)
        else:
            page.wait_for_function(FALLBACK_JS, timeout=60_000, polling="raf")
        elapsed = time.perf_counter() - started
        phases = page.evaluate(PHASES_JS)
        # The answers still in flight when the map became usable are counted as they finish (a short settle).
        page.wait_for_load_state("load")
        wire.counting = False
        return {"s": elapsed, "bytes": wire.encoded, "decoded_bytes": wire.decoded, "requests": wire.requests,
                "gzipped_answers": wire.gzipped, "by_url": wire.by_url,
                "phases": {k: float(v) / 1000 for k, v in phases.items()}}
    finally:
        context.close()


def variant(browser: Any, base_url: str, runs: int, **kwargs: Any) -> dict[str, Any]:
    """Load the page runs times; return the median time and bytes, and the largest answers of the last run."""
    results = [load_once(browser, base_url, **kwargs) for _ in range(runs)]
    last = results[-1]
    largest = sorted(last["by_url"].items(), key=lambda item: -item[1])[:6]
    return {"usable_map_s": round(statistics.median(r["s"] for r in results), 3),
            "usable_map_s_runs": [round(r["s"], 3) for r in results],
            "bytes": int(statistics.median(r["bytes"] for r in results)),
            "decoded_bytes": int(statistics.median(r["decoded_bytes"] for r in results)),
            "requests": last["requests"], "gzipped_answers": last["gzipped_answers"],
            # Page-clock medians (s): HTML parsed, last script in, last /api answer in, map usable.
            "phases_s": {k: round(statistics.median(r["phases"][k] for r in results), 3)
                         for k in ("dom", "scripts", "api", "ready")},
            "largest": {url: size for url, size in largest}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("postgis", "sqlite"), default="postgis")
    parser.add_argument("--cases", type=int, default=10_000, help="open cases spread over the town")
    parser.add_argument("--cameras", type=int, default=700, help="cameras in the town")
    parser.add_argument("--runs", type=int, default=3, help="cold loads per variant (the median is reported)")
    parser.add_argument("--mbps", type=float, default=0.0, help="emulated link speed of the app's loads "
                        "(0: loopback, unthrottled)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="emulated round-trip latency with --mbps")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    signal = map_signal()
    with scratch_store_url(args.store) as url:
        filled = fill_store(url, cases=args.cases, cameras=args.cameras)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        spawn = multiprocessing.get_context("spawn")
        ready = spawn.Event()
        server = spawn.Process(target=serve, args=(url, port, ready), daemon=True)
        server.start()
        try:
            if not ready.wait(120):
                raise RuntimeError("the server did not start")
            base_url = f"http://127.0.0.1:{port}"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                try:
                    # One load first, not counted: the server's first requests import and warm what they use.
                    load_once(browser, base_url, identity=False, baseline=False, signal=signal)
                    link = {"mbps": args.mbps, "latency_ms": args.latency_ms}
                    gzip_on = variant(browser, base_url, args.runs, identity=False, baseline=False, signal=signal,
                                      **link)
                    identity = variant(browser, base_url, args.runs, identity=True, baseline=False, signal=signal,
                                       **link)
                    baseline = variant(browser, base_url, args.runs, identity=False, baseline=True, signal=signal)
                finally:
                    browser.close()
        finally:
            server.terminate()
            server.join(10)

    print(json.dumps({
        "bench": "page_load", "store": args.store, "open_cases": args.cases, "cameras": args.cameras,
        "runs": args.runs, "signal": signal, "fill": filled, "link_mbps": args.mbps or "loopback",
        "latency_ms": args.latency_ms,
        "gzip": gzip_on, "identity": identity, "baseline_leaflet_only": baseline,
        "wire_saving_ratio": round(identity["bytes"] / max(gzip_on["bytes"], 1), 2),
        "goal_s": GOAL_S, "goal_met": gzip_on["usable_map_s"] < GOAL_S,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
