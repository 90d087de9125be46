"""Build the FastAPI application around an open store."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from access.ratelimit import RateLimiter
from access.tokens import TokenPolicy
from api import classifier
from api.audit_trail import install_audit_trail
from api.bodies import install_body_guard
from api.compression import install_compression
from api.errors import ERROR_RESPONSES, install_error_handlers
from api.feedhub import FeedHub
from api.inputs import install_input_guards
from api.routes import (alert_rules, alerts, assignments, attachments, audit, auth, cases, devices, docs, events, grids,
                        health, intake, jobs, live, offers, page, resources, spatial, tasks, taxonomy, tracks)
from api.routes import assessment as assessment_routes
from api.routes import map_view as map_view_routes
from api.routes import basemap as basemap_routes
from api.routes import case_batch
from api.routes import calendar as calendar_routes
from api.routes import city as city_routes
from api.routes import metrics as metrics_route
from api.routes import ogc
from api.routes import supervision as supervision_routes
from api.routes import open311 as open311_routes
from api.routes import queues as queue_routes
from api.routes import dashboard as dashboard_routes
from api.routes import reports as report_routes
from cases.classify import DEFAULT_MIN_CONFIDENCE
from cases.clock import CaseClock
from api.routes import reporters as reporter_routes
from api.routes import suggestions as suggestion_routes
from cases.duplicates import DuplicateSearch
from cases.locator import Locator
from storage import Store
from video.relay import RelayHub, RelaySettings
from video.urls import UrlPolicy


def create_app(*, store: Store, locator: Locator | None = None, ingest_stats: Any = None,
               clock: Callable[[], datetime] = lambda: datetime.now(UTC), token_policy: TokenPolicy | None = None,
               data_dir: Path = Path("gridwatch-data"), upload_max_bytes: int = 10 * 1024 * 1024,
               rate_clock: Callable[[], float] = time.monotonic, url_policy: UrlPolicy | None = None,
               relay_settings: RelaySettings | None = None,
               metrics: Callable[[], tuple[bytes, str]] | None = None,
               classify_min_confidence: float = DEFAULT_MIN_CONFIDENCE,
               case_clock: CaseClock | None = None,
               duplicate_search: DuplicateSearch | None = None, warm_classifier: bool = False) -> FastAPI:
    """Return the app serving the store; whoever opened the store closes it.

    metrics, when given, renders this process's Prometheus text and its content type for GET /metrics.
    warm_classifier: train the report classifier in the background at start-up, so that the first report
    without a category does not wait seconds for it (the server does; tests that do not classify need not).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm_classifier:
            app.state.classifier_warm_up = classifier.warm_classifier(app.state, store)
        yield
        await app.state.feed_hub.stop()
        app.state.relay_hub.stop_all()

    app = FastAPI(
        lifespan=lifespan,
        title="gridwatch",
        summary="Command room of a town's four platforms: grids, alerts, cases, teams, cameras.",
        version="0.1.0",
        responses=ERROR_RESPONSES,
        docs_url=None, redoc_url=None,  # served by api/routes/docs.py from local assets
    )
    app.state.store = store
    app.state.locator = locator or Locator()
    app.state.ingest_stats = ingest_stats
    app.state.metrics = metrics
    app.state.clock = clock
    # The taxonomy and calendar case deadlines count by, cached; the calendar and taxonomy routes invalidate it.
    app.state.case_clock = case_clock or CaseClock()
    # Below it, POST /api/classify answers triage: a person files the report (GRIDWATCH_CLASSIFY_MIN_CONFIDENCE).
    app.state.classify_min_confidence = classify_min_confidence
    # How near an open case of the same category must be to be offered as a duplicate (GRIDWATCH_DUPLICATE_*).
    app.state.duplicate_search = duplicate_search or DuplicateSearch()
    # One poller of the live feed for every event stream of this process; it starts with the first stream.
    app.state.feed_hub = FeedHub(store)
    # Without a configured key, tokens are signed with one that dies with the process.
    app.state.token_policy = token_policy or TokenPolicy(secret=secrets.token_urlsafe(48))
    app.state.login_limiter = RateLimiter(name="login", rate_per_s=0.2, burst=10, clock=rate_clock)
    app.state.intake_limiter = RateLimiter(name="case intake", rate_per_s=1.0, burst=30, clock=rate_clock)
    # POST /api/cases/batch: one hit per batch of up to 500 reports (a platform pushing its queue, not a person).
    app.state.batch_limiter = RateLimiter(name="batch intake", rate_per_s=1.0, burst=10, clock=rate_clock)
    # Rating links are public: a guesser gets a few tries a minute per address (a token has 192 random bits).
    app.state.rating_limiter = RateLimiter(name="rating", rate_per_s=0.1, burst=10, clock=rate_clock)
    app.state.attachments_dir = data_dir / "attachments"
    app.state.reports_dir = data_dir / "reports"
    app.state.upload_max_bytes = upload_max_bytes
    # The SSRF guard of the relay; without one given, loopback and link-local sources are refused.
    app.state.url_policy = url_policy or UrlPolicy()
    # One upstream reader per camera for every viewer of this process; it starts with the first viewer.
    app.state.relay_hub = RelayHub(relay_settings)
    install_error_handlers(app)
    # Middleware added first runs innermost: the body guard's refusals pass through the audit trail.
    install_body_guard(app, upload_max_bytes=upload_max_bytes)
    install_audit_trail(app)
    install_input_guards(app, upload_max_bytes=upload_max_bytes)
    # Last, so outermost: it gzips the final answer, security headers included, and the audit sees the status.
    install_compression(app)
    # case_batch before cases: its path /api/cases/batch would otherwise meet /api/cases/{case_id}.
    for module in (health, auth, grids, case_batch, cases, tasks, assignments, attachments, alerts, resources,
                   alert_rules, devices, tracks, live, events, audit, jobs, metrics_route, spatial, calendar_routes,
                   taxonomy, page, docs, intake, offers):
        app.include_router(module.router)
    # Issue 11's routers, one line each so that slices built side by side merge without conflict.
    app.include_router(reporter_routes.router)
    app.include_router(city_routes.router)
    app.include_router(supervision_routes.router)
    app.include_router(auth.users_router)
    app.include_router(assessment_routes.router)
    app.include_router(map_view_routes.router)
    app.include_router(suggestion_routes.router)
    app.include_router(queue_routes.router)
    app.include_router(dashboard_routes.router)
    app.include_router(report_routes.router)
    app.include_router(basemap_routes.router)
    ogc.install(app)
    open311_routes.install(app, rate_clock=rate_clock)
    docs.mount_docs_assets(app)
    page.mount_assets(app)
    return app
