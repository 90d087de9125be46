"""/metrics speaks Prometheus text, each app has its own registry, and the counters balance."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from gridwatch.pipeline import IngestStats
from gridwatch.runtime import metrics_text
from storage import open_store


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _stats(**values: int) -> IngestStats:
    stats = IngestStats()
    stats.add(values)
    return stats


def test_metrics_text_parses_and_received_balances_with_outcomes_and_in_flight() -> None:
    stats = _stats(received=20, readings=9, positions=2, duplicates=3, dead_letters=4, alerts=1, cases=1,
                   store_pauses=2)
    body, content_type = metrics_text(stats.snapshot)()
    assert content_type.startswith("text/plain")
    got = _samples(body.decode())
    stored = got[("gridwatch_ingest_stored_total", (("kind", "reading"),))] + \
        got[("gridwatch_ingest_stored_total", (("kind", "position"),))]
    settled = stored + got[("gridwatch_ingest_duplicates_total", ())] + got[("gridwatch_ingest_dead_letters_total", ())]
    assert got[("gridwatch_ingest_received_total", ())] == settled + got[("gridwatch_ingest_in_flight", ())]
    assert got[("gridwatch_ingest_in_flight", ())] == 2
    assert got[("gridwatch_ingest_store_unavailable_pauses_total", ())] == 2
    assert (got[("gridwatch_ingest_alerts_total", ())], got[("gridwatch_ingest_cases_total", ())]) == (1, 1)
    assert got[("gridwatch_ingest_paused", ())] == 0


def test_each_app_serves_its_own_counters_on_metrics(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    store.migrate()
    try:
        apps = [create_app(store=store, data_dir=tmp_path, metrics=metrics_text(_stats(received=n).snapshot))
                for n in (5, 7)]
        answers = [TestClient(app).get("/metrics") for app in apps]
        assert [a.status_code for a in answers] == [200, 200]
        assert [_samples(a.text)[("gridwatch_ingest_received_total", ())] for a in answers] == [5, 7]
        assert TestClient(create_app(store=store, data_dir=tmp_path)).get("/metrics").status_code == 404
    finally:
        store.close()
