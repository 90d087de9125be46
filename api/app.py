"""Build the FastAPI application around an open store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.routes import cases, events, grids, health, page, resources
from cases.locator import Locator
from storage import Store


def create_app(*, store: Store, locator: Locator | None = None, ingest_stats: Any = None,
               clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> FastAPI:
    """Return the app serving the store; whoever opened the store closes it."""
    app = FastAPI(
        title="gridwatch",
        summary="Command room of a town's four platforms: grids, alerts, cases, teams, cameras.",
        version="0.1.0",
    )
    app.state.store = store
    app.state.locator = locator or Locator()
    app.state.ingest_stats = ingest_stats
    app.state.clock = clock
    install_error_handlers(app)
    for module in (health, grids, cases, resources, events, page):
        app.include_router(module.router)
    page.mount_assets(app)
    return app
