"""Contract of AlertRepository, run against every backend."""

from __future__ import annotations

import dataclasses
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from alerts.models import AlertStatus, Severity
from storage import Store, StorageError
from tests.factories import at, make_alert


def test_alert_add_returns_id_and_get_round_trips(store: Store) -> None:
    alert = make_alert(severity=Severity.CRITICAL, grid_path=("T01", "V01", "N01"), occurrences=3)
    with store.unit_of_work() as uow:
        stored = uow.alerts.add(alert)
    with store.unit_of_work() as uow:
        got = uow.alerts.get(stored.id)  # type: ignore[arg-type]
        assert uow.alerts.get(999_999) is None
    assert stored.id is not None and stored == dataclasses.replace(alert, id=stored.id)
    assert got == stored and got is not None
    assert got.grid_path == ("T01", "V01", "N01") and isinstance(got.grid_path, tuple)
    assert got.severity is Severity.CRITICAL and got.status is AlertStatus.OPEN
    assert got.raised_at.tzinfo is timezone.utc


def test_alert_update_overwrites_and_unknown_id_is_refused(store: Store) -> None:
    with store.unit_of_work() as uow:
        stored = uow.alerts.add(make_alert())
    changed = dataclasses.replace(stored, occurrences=5, last_seen_at=at(30), value=210.0, status=AlertStatus.CLOSED,
                                  grid_path=())
    with store.unit_of_work() as uow:
        uow.alerts.update(changed)
    with store.unit_of_work() as uow:
        assert uow.alerts.get(stored.id) == changed  # type: ignore[arg-type]
    with pytest.raises(StorageError, match="alert 4242: not found"):
        with store.unit_of_work() as uow:
            uow.alerts.update(dataclasses.replace(changed, id=4242))


def test_alert_find_open_returns_only_the_open_one_of_device_and_metric(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.alerts.add(make_alert(status=AlertStatus.CLOSED, raised_at=at(10)))
        wanted = uow.alerts.add(make_alert(raised_at=at(0)))
        uow.alerts.add(make_alert(metric="pm10"))
        uow.alerts.add(make_alert("other"))
    with store.unit_of_work() as uow:
        assert uow.alerts.find_open(device_id="aq-001", metric="pm25") == wanted
        assert uow.alerts.find_open(device_id="aq-001", metric="noise") is None


def test_alert_list_newest_first_with_status_and_bbox_filters(store: Store) -> None:
    with store.unit_of_work() as uow:
        a = uow.alerts.add(make_alert("a", raised_at=at(1)))
        b = uow.alerts.add(make_alert("b", raised_at=at(3), status=AlertStatus.CLOSED))
        c = uow.alerts.add(make_alert("c", raised_at=at(3)))
        far = uow.alerts.add(make_alert("far", raised_at=at(2), lon=121.0))
    box = (119.9, 32.2, 120.1, 32.4)
    with store.unit_of_work() as uow:
        assert uow.alerts.list() == [c, b, far, a]
        assert uow.alerts.list(status=AlertStatus.OPEN) == [c, far, a]
        assert uow.alerts.list(bbox=box, limit=2, offset=1) == [b, a]
        assert uow.alerts.count() == 4
        assert uow.alerts.count(status=AlertStatus.OPEN, bbox=box) == 2


def test_alert_count_raised_since_counts_from_that_instant_on_in_any_timezone(store: Store) -> None:
    with store.unit_of_work() as uow:
        for minutes in (-1, 0, 0.001, 60):
            uow.alerts.add(make_alert(raised_at=at(minutes), last_seen_at=at(minutes)))
        uow.alerts.add(make_alert(raised_at=at(30), last_seen_at=at(30), status=AlertStatus.CLOSED))
    beijing = at(0).astimezone(ZoneInfo("Asia/Shanghai"))
    with store.read_only() as uow:
        assert uow.alerts.count() == 5
        assert uow.alerts.count(raised_since=at(0)) == 4
        assert uow.alerts.count(raised_since=beijing) == 4
        assert uow.alerts.count(raised_since=at(0), status=AlertStatus.OPEN) == 3
        assert uow.alerts.count(raised_since=at(61)) == 0
