"""Fixtures for end-to-end tests: the real broker, a town, and the whole app running on a real port."""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from access.models import Role
from access.service import create_user
from api.app import create_app
from gridwatch.ingest import IngestWorker
from gridwatch.runtime import Core, open_migrated_store, start_ingest
from gridwatch.towns import load_town
from town.generate import generate_town
from town.models import Town
from tests.serving import serve_app

OPERATOR, PASSWORD = "duty-operator", "Gridwatch-E2E-2026"
MOSQUITTO_URL = os.environ.get("GRIDWATCH_TEST_MQTT_URL", "mqtt://127.0.0.1:1883")


ARTEFACT_SUFFIXES = (".png", ".json", ".pdf", ".html")


@pytest.fixture(autouse=True)
def keep_artefacts(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    """After each browser test, copy its screenshots and figures to $GRIDWATCH_TEST_ARTEFACTS/<test> (CI sets it)."""
    yield  # set up first, so torn down last: the browser's closing screenshot is taken by then
    root = os.environ.get("GRIDWATCH_TEST_ARTEFACTS")
    if not root:
        return
    folder = Path(root) / "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.nodeid)
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.suffix in ARTEFACT_SUFFIXES:
            target = folder / path.relative_to(tmp_path)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: a missing service is a failure)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def mosquitto_url() -> str:
    """Return the URL of the real Mosquitto broker, failing in CI when it is down."""
    host, port = MOSQUITTO_URL.rsplit("//", 1)[1].rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError as exc:
        _missing(f"Mosquitto at {MOSQUITTO_URL} is not reachable: {exc}")
    return MOSQUITTO_URL


@pytest.fixture(scope="session")
def town() -> Town:
    """Return the synthetic town of seed 7, generated once per run."""
    return generate_town(7)


@dataclass
class RunningSystem:
    """The app, its ingest and its HTTP server, all live."""

    core: Core
    worker: IngestWorker
    base_url: str
    http: httpx.Client
    topic_root: str


@pytest.fixture
def running_system(store_url: str, mosquitto_url: str, town: Town, tmp_path: Path) -> Iterator[RunningSystem]:
    """Start store, town, ingest on Mosquitto and the HTTP server on a free port; stop them after.

    The broker is shared with every other test run on the machine, so the ingest listens under a topic root
    of its own: what other runs publish never reaches this test's store, and this test's messages no other.
    """
    core = Core(store=open_migrated_store(store_url))
    load_town(core.store, town)
    with core.store.unit_of_work() as uow:
        create_user(users=uow.users, username=OPERATOR, password=PASSWORD, role=Role.OPERATOR,
                    display_name="值班员", now=datetime.now(UTC))
    run_id = uuid.uuid4().hex[:12]
    topic_root = f"gridwatch-test/{run_id}"
    worker = start_ingest(core, mqtt_url=mosquitto_url, client_id=f"gw-test-ingest-{run_id}", batch_size=50,
                          persistent=False, topic_root=topic_root)
    app = create_app(store=core.store, locator=core.locator, ingest_stats=core.stats, data_dir=tmp_path)
    with serve_app(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as http:
        token = http.post("/api/auth/token", data={"username": OPERATOR, "password": PASSWORD}).json()
        http.headers["Authorization"] = f"Bearer {token['access_token']}"
        yield RunningSystem(core, worker, base_url, http, topic_root)
    worker.stop()
    core.store.close()


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """Serve the app over an SQLite store with the operator's account on a free port; yield its base URL."""
    store = open_migrated_store(f"sqlite:///{tmp_path / 'gridwatch.db'}")
    with store.unit_of_work() as uow:
        create_user(users=uow.users, username=OPERATOR, password=PASSWORD, role=Role.OPERATOR,
                    display_name="值班员", now=datetime.now(UTC))
    with serve_app(create_app(store=store, data_dir=tmp_path)) as base_url:
        yield base_url
    store.close()


CHROMIUM = os.environ.get("GRIDWATCH_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture
def browser_page(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Yield a Playwright page in headless Chromium (Debian's build; Playwright cannot download its own here)."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM} (CI=true: a missing component is a failure)")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        yield page
        page.screenshot(path=str(tmp_path / "command-room.png"))
        browser.close()


def log_in(page, base_url: str, *, ready: str | None = "body[data-ready=true]",  # type: ignore[no-untyped-def]
           timeout: int = 20_000) -> None:
    """Open the command-room page and log in as the operator; wait for ready (a selector) unless it is None."""
    page.goto(base_url + "/")
    page.fill("#login-username", OPERATOR)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    if ready is not None:
        page.wait_for_selector(ready, timeout=timeout)
