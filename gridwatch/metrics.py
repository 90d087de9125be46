"""Prometheus text for the ingest's counters: a collector over IngestStats, one registry per app or process."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, generate_latest, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST
# (stats name, metric name, help); a counter's exposed name gains _total.
_COUNTERS = (
    ("received", "gridwatch_ingest_received", "Deliveries taken in by the ingest (redeliveries count again)."),
    ("duplicates", "gridwatch_ingest_duplicates", "Deliveries already stored before (QoS 1 redelivery)."),
    ("dead_letters", "gridwatch_ingest_dead_letters", "Deliveries kept as dead letters (unreadable or refused)."),
    ("quarantine_full", "gridwatch_ingest_quarantine_full",
     "Dead letters of unknown devices not quarantined because the quarantine was full."),
    ("store_pauses", "gridwatch_ingest_store_unavailable_pauses", "Times the ingest paused because the store did not answer."),
    ("alerts", "gridwatch_ingest_alerts", "Alerts raised by the ingest."),
    ("cases", "gridwatch_ingest_cases", "Cases opened by the ingest."),
    ("dispatched", "gridwatch_ingest_dispatched", "Cases dispatched to a team by the ingest."),
)


def in_flight(stats: dict[str, int]) -> int:
    """Return deliveries received but not yet stored, found duplicate or dead-lettered."""
    done = stats["readings"] + stats["positions"] + stats["duplicates"] + stats["dead_letters"]
    return stats["received"] - done


class IngestCollector(Collector):
    """Reads the counters at every scrape, so nothing is kept in prometheus_client's global state."""

    def __init__(self, source: Callable[[], dict[str, int]]) -> None:
        self._source = source

    def collect(self) -> Iterator[Metric]:
        """Yield one family per counter and gauge."""
        stats = self._source()
        for key, name, text in _COUNTERS:
            family = CounterMetricFamily(name, text)
            family.add_metric([], stats.get(key, 0))
            yield family
        stored = CounterMetricFamily("gridwatch_ingest_stored", "Deliveries stored, by what they carried.",
                                     labels=["kind"])
        stored.add_metric(["reading"], stats.get("readings", 0))
        stored.add_metric(["position"], stats.get("positions", 0))
        yield stored
        yield GaugeMetricFamily("gridwatch_ingest_in_flight", "Deliveries received and not yet settled.",
                                value=in_flight(stats))
        yield GaugeMetricFamily("gridwatch_ingest_paused", "1 while the ingest holds its batch because the store "
                                "is unavailable.", value=stats.get("paused", 0))
        yield GaugeMetricFamily("gridwatch_ingest_inbox", "Deliveries waiting in the inbox now.",
                                value=stats.get("inbox", 0))
        yield GaugeMetricFamily("gridwatch_ingest_inbox_peak", "Most deliveries ever waiting in the inbox at once.",
                                value=stats.get("inbox_peak", 0))


def registry_for(source: Callable[[], dict[str, int]]) -> CollectorRegistry:
    """Return a fresh registry holding only the ingest collector over source."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(IngestCollector(source))
    return registry


def render(registry: CollectorRegistry) -> bytes:
    """Return the registry as Prometheus text."""
    return generate_latest(registry)


def serve_metrics(bind: str, registry: CollectorRegistry) -> WSGIServer:
    """Serve /metrics on host:port in a daemon thread; return the server so the caller can shut it down."""
    host, _, port = bind.rpartition(":")
    server, _thread = start_http_server(int(port), addr=host or "127.0.0.1", registry=registry)
    logger.info("metrics on http://%s/metrics", bind)
    return server
