"""Migration 0011 moves old alerts to the lifecycle: open → raised, closed → cleared, a rule id, one open per rule."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from alerts.models import AlertPurpose, AlertStatus
from storage import StorageError, open_store
from tests.factories import make_alert
from tests.storage.migrating import BACKENDS, migrated_before

# (device, kind, metric, value, status, raised, last seen): two old open alerts share aq-1/pm25.
OLD_ALERTS = [
    ("aq-1", "air_quality", "pm25", 240.0, "open", "2026-05-01T08:00:00.000000Z", "2026-05-01T08:05:00.000000Z"),
    ("aq-1", "air_quality", "pm25", 190.0, "open", "2026-05-01T09:00:00.000000Z", "2026-05-01T09:01:00.000000Z"),
    ("aq-2", "air_quality", "pm10", 300.0, "closed", "2026-05-01T07:00:00.000000Z", "2026-05-01T07:30:00.000000Z"),
    ("cam-1", "camera", "offline", 1.0, "open", "2026-05-01T06:00:00.000000Z", "2026-05-01T06:10:00.000000Z"),
]


def _insert_old_rows(execute, placeholder: str) -> None:  # noqa: ANN001 - a driver's execute
    p = placeholder
    for device, kind, metric, value, status, raised, seen in OLD_ALERTS:
        execute("INSERT INTO alerts (device_id, sensor_kind, metric, value, limit_value, severity, lon, lat,"
                " raised_at, last_seen_at, occurrences, status)"
                f" VALUES ({p}, {p}, {p}, {p}, 150, 'warning', 120.0, 32.3, {p}, {p}, 3, {p})",
                (device, kind, metric, value, raised, seen, status))


@pytest.fixture(params=BACKENDS)
def before_0011_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Yield a store URL migrated up to 0010 holding alerts in the old open/closed shape."""
    with migrated_before(request, request.param, "0011", _insert_old_rows, tmp_path, monkeypatch) as url:
        yield url


def test_old_alerts_get_lifecycle_statuses_rule_ids_and_values_and_one_stays_open_per_rule(before_0011_url: str) -> None:
    store = open_store(before_0011_url)
    try:
        assert "0011_alert_lifecycle" in store.migrate()
        with store.read_only() as uow:
            alerts = sorted(uow.alerts.list(), key=lambda a: a.id)  # type: ignore[arg-type,return-value]
        older, newer, cleared, camera = alerts
        assert [a.rule_id for a in alerts] == ["threshold:pm25", "threshold:pm25", "threshold:pm10", "camera:offline"]
        assert [a.status for a in alerts] == [AlertStatus.CLEARED, AlertStatus.RAISED, AlertStatus.CLEARED,
                                              AlertStatus.RAISED]
        assert older.cleared_at == older.last_seen_at and cleared.cleared_at == cleared.last_seen_at
        assert newer.cleared_at is None and camera.cleared_at is None
        assert [a.purpose for a in alerts] == [AlertPurpose.INCIDENT] * 3 + [AlertPurpose.MAINTENANCE]
        assert (cleared.first_value, cleared.worst_value, cleared.worst_at) == (300.0, 300.0, cleared.last_seen_at)
        assert (newer.acknowledged_by, newer.ack_note, newer.occurrences) == (None, "", 3)
        # The unique index of open alerts holds after the migration.
        with pytest.raises(StorageError):
            with store.unit_of_work() as uow:
                uow.alerts.add(make_alert("aq-1", rule_id="threshold:pm25"))
        with store.read_only() as uow:
            assert uow.alerts.find_open(device_id="aq-1", rule_id="threshold:pm25") == newer
    finally:
        store.close()
