"""Start the program's parts in order (store, indexes, ingest, HTTP) and stop them in reverse."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import uvicorn

from api.app import create_app
from gridwatch.basemap import open_basemap
from cases.alarm_policy import AlertLinking
from cases.clock import CaseClock
from cases.locator import Locator
from gridwatch.dispatch_offers import configure_dispatch
from gridwatch.ingest import BACKOFF_CAP_S, Backoff, IngestWorker
from gridwatch.jobs_wiring import start_worker_runtime
from gridwatch.keys import token_policy
from gridwatch.metrics import CONTENT_TYPE, registry_for, render, serve_metrics
from gridwatch.pipeline import IngestStats, Pipeline
from gridwatch.settings import Settings, load_settings
from iot.models import DEAD_LETTER_PREFIX_BYTES
from iot.quarantine import MAX_ENTRIES as QUARANTINE_MAX_ENTRIES
from iot.mqtt import MqttSubscriber
from iot.topics import DEFAULT_ROOT, status_topic, subscriptions
from storage import Store, open_store

logger = logging.getLogger(__name__)


def open_migrated_store(url: str, *, timeout_s: float | None = None) -> Store:
    """Open the store at url and bring its schema up to date."""
    store = open_store(url, timeout_s=timeout_s)
    applied = store.migrate()
    if applied:
        logger.info("store %s: applied migrations %s", store.name, ", ".join(applied))
    return store


@contextmanager
def configured_store() -> Iterator[Store]:
    """Open the store the settings name (GRIDWATCH_STORE_URL), migrated, for one CLI command; close it after."""
    store = open_migrated_store(load_settings().effective_store_url)
    try:
        yield store
    finally:
        store.close()


@dataclass
class Core:
    """The parts every process shares: the store, the spatial indexes and the ingest counters."""

    store: Store
    locator: Locator = field(default_factory=Locator)
    stats: IngestStats = field(default_factory=IngestStats)
    alert_linking: AlertLinking = field(default_factory=AlertLinking)  # from settings.alerts, built at start-up
    case_clock: CaseClock = field(default_factory=CaseClock)  # settings.calendar.case_clock(), built at start-up


def start_ingest(core: Core, *, mqtt_url: str, client_id: str, batch_size: int, persistent: bool = True,
                 topic_root: str = DEFAULT_ROOT, protocol: str = "5", max_in_flight: int = 2000,
                 session_expiry_s: int = 7 * 24 * 3600, share_group: str = "",
                 backoff_max_s: float = BACKOFF_CAP_S,
                 dead_letter_prefix_bytes: int = DEAD_LETTER_PREFIX_BYTES,
                 quarantine_max_entries: int = QUARANTINE_MAX_ENTRIES) -> IngestWorker:
    """Subscribe to the sensor and team topics under topic_root and start storing what arrives."""
    pipeline = Pipeline(store=core.store, locator=core.locator, stats=core.stats, topic_root=topic_root,
                        dead_letter_prefix_bytes=dead_letter_prefix_bytes, alert_linking=core.alert_linking,
                        quarantine_max_entries=quarantine_max_entries, case_clock=core.case_clock)
    subscriber = MqttSubscriber(mqtt_url, client_id=client_id, topics=subscriptions(topic_root), persistent=persistent,
                                protocol=protocol, max_in_flight=max_in_flight, session_expiry_s=session_expiry_s,
                                share_group=share_group, status_topic=status_topic(topic_root, client_id))
    worker = IngestWorker(subscriber=subscriber, pipeline=pipeline, batch_size=batch_size,
                          backoff=Backoff(cap_s=backoff_max_s))
    worker.start()
    logger.info("ingest subscribed to %s as %s, topics under %s/", mqtt_url, client_id, topic_root)
    return worker


def ingest_snapshot(core: Core, worker: IngestWorker | None) -> Callable[[], dict[str, int]]:
    """Return what the metrics read at each scrape: the counters, and the inbox's peak when this process ingests."""
    if worker is None:
        return core.stats.snapshot
    return lambda: {**core.stats.snapshot(), "inbox": worker.subscriber.inbox_size,
                    "inbox_peak": worker.subscriber.inbox_peak}


def metrics_text(source: Callable[[], dict[str, int]]) -> Callable[[], tuple[bytes, str]]:
    """Return a renderer of Prometheus text over source, with a registry of its own."""
    registry = registry_for(source)
    return lambda: (render(registry), CONTENT_TYPE)


def serve_http(core: Core, settings: Settings, *, host: str, port: int, with_ingest: bool,
               worker: IngestWorker | None = None) -> None:
    """Serve the API and the page until Ctrl-C."""
    app = create_app(store=core.store, locator=core.locator, ingest_stats=core.stats if with_ingest else None,
                     metrics=metrics_text(ingest_snapshot(core, worker)),
                     token_policy=token_policy(settings), data_dir=settings.data_dir,
                     upload_max_bytes=settings.upload_max_mb * 1024 * 1024, url_policy=settings.url_policy(),
                     relay_settings=settings.video_live.relay_settings(),
                     classify_min_confidence=settings.classify_min_confidence, case_clock=core.case_clock,
                     duplicate_search=settings.duplicates.search(), warm_classifier=True)
    # The operator's local basemap (GRIDWATCH_BASEMAP), opened once; the page draws none when it is unset.
    app.state.basemap = open_basemap(settings.basemap, attribution=settings.basemap_attribution)
    app.state.office_hours = settings.calendar.parsed_office_hours()
    app.state.calendar_warn_days = settings.calendar.warn_days
    # The city hand-off (api/routes/city.py): the inbound signatures' secret and window, and whether escalations go out.
    app.state.city_secret = settings.city.secret.get_secret_value()
    app.state.city_signature_window = timedelta(seconds=settings.city.signature_window_s)
    app.state.city_webhook_configured = bool(settings.city.webhook_url and app.state.city_secret)
    try:
        # The audit log records client addresses, so forwarded ones are believed only from configured proxies.
        proxies = settings.trusted_proxies.strip()
        uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                      proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)).run()
    except KeyboardInterrupt:
        # uvicorn has already shut down gracefully and re-raises Ctrl-C; the caller stops the rest.
        logger.info("stopping")


def run_services(settings: Settings, *, http: bool, ingest: bool) -> None:
    """Run the HTTP server, the ingest worker, or both, against the configured store and broker."""
    with ExitStack() as stack:
        core = Core(store=open_migrated_store(settings.effective_store_url, timeout_s=settings.store_timeout_s),
                    alert_linking=settings.alerts.linking(), case_clock=settings.calendar.case_clock())
        stack.callback(core.store.close)
        configure_dispatch(core.locator, settings)
        # Each process keeps its own indexes fresh; retention runs in `gridwatch worker`.
        jobs = start_worker_runtime(core.store, core.locator, settings, label="api" if http else "ingest",
                                    retention=False, index_refresh=True, pool=False, case_clock=core.case_clock)
        stack.callback(jobs.close)
        worker = None
        if ingest:
            worker = start_ingest(core, mqtt_url=settings.mqtt_url, client_id=settings.mqtt_client_id,
                                  batch_size=settings.ingest_batch_size, topic_root=settings.mqtt_topic_root,
                                  protocol=settings.mqtt_protocol, max_in_flight=settings.ingest_max_in_flight,
                                  session_expiry_s=settings.mqtt_session_expiry_s,
                                  share_group=settings.ingest_share_group,
                                  backoff_max_s=settings.ingest_backoff_max_s,
                                  dead_letter_prefix_bytes=settings.dead_letter_prefix_bytes,
                                  quarantine_max_entries=settings.quarantine_max_entries)
            stack.callback(worker.stop)
        if http:
            logger.info("serving http://%s", settings.http_bind)
            serve_http(core, settings, host=settings.http_host, port=settings.http_port, with_ingest=ingest,
                       worker=worker)
        else:
            if worker is not None and settings.metrics_bind:
                server = serve_metrics(settings.metrics_bind, registry_for(ingest_snapshot(core, worker)))
                stack.callback(server.shutdown)
            _wait_for_interrupt()


def _wait_for_interrupt() -> None:
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        logger.info("stopping")
