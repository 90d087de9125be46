"""Contract of AlertRepository, run against every backend."""

from __future__ import annotations

import dataclasses
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from alerts.models import OPEN_STATUSES, AlertPurpose, AlertStatus, Severity
from alerts.rules import exceedances
from alerts.service import raise_alert
from storage import Store, StorageError
from tests.factories import at, make_alert, make_case, make_device, make_reading


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
    assert got.severity is Severity.CRITICAL and got.status is AlertStatus.RAISED
    assert got.raised_at.tzinfo is timezone.utc


def test_alert_update_overwrites_and_unknown_id_is_refused(store: Store) -> None:
    with store.unit_of_work() as uow:
        stored = uow.alerts.add(make_alert())
    changed = dataclasses.replace(stored, occurrences=5, last_seen_at=at(30), value=210.0, status=AlertStatus.CLEARED,
                                  grid_path=())
    with store.unit_of_work() as uow:
        uow.alerts.update(changed)
    with store.unit_of_work() as uow:
        assert uow.alerts.get(stored.id) == changed  # type: ignore[arg-type]
    with pytest.raises(StorageError, match="alert 4242: not found"):
        with store.unit_of_work() as uow:
            uow.alerts.update(dataclasses.replace(changed, id=4242))


def test_alert_find_open_returns_only_the_open_one_of_subject_and_rule(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.alerts.add(make_alert(status=AlertStatus.CLEARED, raised_at=at(10)))
        wanted = uow.alerts.add(make_alert(raised_at=at(0)))
        uow.alerts.add(make_alert(metric="pm10"))
        uow.alerts.add(make_alert("other"))
    with store.unit_of_work() as uow:
        assert uow.alerts.find_open(device_id="aq-001", rule_id="threshold:pm25") == wanted
        assert uow.alerts.find_open(device_id="aq-001", rule_id="threshold:noise") is None
        assert uow.alerts.find_open(device_id="AQ-001", rule_id="threshold:pm25") is None


def test_an_acknowledged_alert_is_still_the_open_one(store: Store) -> None:
    with store.unit_of_work() as uow:
        acked = uow.alerts.add(make_alert(status=AlertStatus.ACKNOWLEDGED, acknowledged_by="user:op",
                                          acknowledged_at=at(1), ack_note="seen"))
    with store.unit_of_work() as uow:
        assert uow.alerts.find_open(device_id="aq-001", rule_id="threshold:pm25") == acked


def test_a_second_open_alert_of_one_subject_and_rule_is_refused_but_a_cleared_one_is_not(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.alerts.add(make_alert(rule_id="pm25-high"))
        uow.alerts.add(make_alert(rule_id="pm25-high", status=AlertStatus.CLEARED, cleared_at=at(1)))
        uow.alerts.add(make_alert(rule_id="pm25-sustained"))
    for second in (make_alert(rule_id="pm25-high"), make_alert(rule_id="pm25-high", status=AlertStatus.ACKNOWLEDGED)):
        with pytest.raises(StorageError):
            with store.unit_of_work() as uow:
                uow.alerts.add(second)
    with store.read_only() as uow:
        assert uow.alerts.count() == 3


def test_alert_new_fields_round_trip(store: Store) -> None:
    alert = make_alert(rule_id="noise-night", purpose=AlertPurpose.MAINTENANCE, first_value=181.0,
                       worst_value=250.5, worst_at=at(3), status=AlertStatus.CLEARED, acknowledged_by="user:op",
                       acknowledged_at=at(4), ack_note="已通知 owner", cleared_at=at(9))
    with store.unit_of_work() as uow:
        stored = uow.alerts.add(alert)
    with store.read_only() as uow:
        got = uow.alerts.get(stored.id)  # type: ignore[arg-type]
    assert got == stored and got is not None and got.cleared_at.tzinfo is timezone.utc  # type: ignore[union-attr]


def test_alert_for_case_lists_the_linked_alerts_oldest_first(store: Store) -> None:
    with store.unit_of_work() as uow:
        case = uow.cases.add(make_case())
        a = uow.alerts.add(make_alert("a", case_id=case.id))
        uow.alerts.add(make_alert("b"))
        c = uow.alerts.add(make_alert("c", case_id=case.id, status=AlertStatus.CLEARED))
    with store.read_only() as uow:
        assert uow.alerts.for_case(case.id) == [a, c]  # type: ignore[arg-type]
        assert uow.alerts.for_case(999) == []


def test_alert_count_by_grid_counts_each_level_with_its_finer_grids(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.alerts.add(make_alert("a", grid_path=("T01", "V01", "N01")))
        uow.alerts.add(make_alert("b", grid_path=("T01", "V01", "N02"), status=AlertStatus.ACKNOWLEDGED))
        uow.alerts.add(make_alert("c", grid_path=("T01", "V02")))
        uow.alerts.add(make_alert("d", grid_path=("T01", "V02"), status=AlertStatus.CLEARED))
        uow.alerts.add(make_alert("e", grid_path=()))
    with store.read_only() as uow:
        assert uow.alerts.count_by_grid(status=OPEN_STATUSES) == {"T01": 3, "V01": 2, "N01": 1, "N02": 1, "V02": 1}
        assert uow.alerts.count_by_grid(status=AlertStatus.CLEARED) == {"T01": 1, "V02": 1}
        assert uow.alerts.count_by_grid() == {"T01": 4, "V01": 2, "N01": 1, "N02": 1, "V02": 2}
        assert uow.alerts.count_by_grid(status=frozenset()) == {}


def test_alert_list_newest_first_with_status_and_bbox_filters(store: Store) -> None:
    with store.unit_of_work() as uow:
        a = uow.alerts.add(make_alert("a", raised_at=at(1)))
        b = uow.alerts.add(make_alert("b", raised_at=at(3), status=AlertStatus.CLEARED))
        c = uow.alerts.add(make_alert("c", raised_at=at(3)))
        far = uow.alerts.add(make_alert("far", raised_at=at(2), lon=121.0))
    box = (119.9, 32.2, 120.1, 32.4)
    with store.unit_of_work() as uow:
        assert uow.alerts.list() == [c, b, far, a]
        assert uow.alerts.list(status=AlertStatus.RAISED) == [c, far, a]
        assert uow.alerts.list(status=OPEN_STATUSES) == [c, far, a]
        assert uow.alerts.list(status={AlertStatus.CLEARED, AlertStatus.ACKNOWLEDGED}) == [b]
        assert uow.alerts.list(bbox=box, limit=2, offset=1) == [b, a]
        assert uow.alerts.count() == 4
        assert uow.alerts.count(status=AlertStatus.RAISED, bbox=box) == 2


def test_alert_update_persists_an_escalated_severity_and_a_worse_value(store: Store) -> None:
    with store.unit_of_work() as uow:
        stored = uow.alerts.add(make_alert(value=180.0, severity=Severity.WARNING))
    with store.unit_of_work() as uow:
        uow.alerts.update(dataclasses.replace(stored, value=260.5, severity=Severity.CRITICAL, case_id=None))
    with store.unit_of_work() as uow:
        got = uow.alerts.get(stored.id)  # type: ignore[arg-type]
        found = uow.alerts.find_open(device_id="aq-001", rule_id="threshold:pm25")
    assert got is not None and (got.value, got.severity) == (260.5, Severity.CRITICAL)
    assert found == got


def test_raising_alerts_through_the_store_escalates_and_keeps_the_worst_value(store: Store) -> None:
    device = make_device()
    # Each reading in its own unit of work, as the ingest commits batches: the fold must survive the round trip.
    for minute, value in [(0, 180.0), (1, 240.0), (2, 170.0)]:
        reading = make_reading(ts=at(minute), values={"pm25": value})
        [exceedance] = exceedances(reading, device.kind)
        with store.unit_of_work() as uow:
            raise_alert(repo=uow.alerts, device=device, reading=reading, exceedance=exceedance, grid_path=("T01",))
    with store.unit_of_work() as uow:
        [alert] = uow.alerts.list()
    assert (alert.value, alert.worst_value, alert.severity, alert.occurrences) == (170.0, 240.0, Severity.CRITICAL, 3)
    assert (alert.first_value, alert.worst_at) == (180.0, at(1))
    assert (alert.raised_at, alert.last_seen_at) == (at(0), at(2))


def test_alert_count_raised_since_counts_from_that_instant_on_in_any_timezone(store: Store) -> None:
    with store.unit_of_work() as uow:
        for minutes in (-1, 0, 0.001, 60):
            uow.alerts.add(make_alert(f"aq-{minutes}", raised_at=at(minutes), last_seen_at=at(minutes)))
        uow.alerts.add(make_alert(raised_at=at(30), last_seen_at=at(30), status=AlertStatus.CLEARED))
    beijing = at(0).astimezone(ZoneInfo("Asia/Shanghai"))
    with store.read_only() as uow:
        assert uow.alerts.count() == 5
        assert uow.alerts.count(raised_since=at(0)) == 4
        assert uow.alerts.count(raised_since=beijing) == 4
        assert uow.alerts.count(raised_since=at(0), status=AlertStatus.RAISED) == 3
        assert uow.alerts.count(raised_since=at(61)) == 0


def test_alert_list_and_count_bound_raised_at_on_both_ends_inclusive(store: Store) -> None:
    with store.unit_of_work() as uow:
        added = [uow.alerts.add(make_alert(f"aq-{minutes}", raised_at=at(minutes), last_seen_at=at(minutes)))
                 for minutes in (-1, 0, 30, 60, 61)]
    beijing = at(60).astimezone(ZoneInfo("Asia/Shanghai"))
    with store.read_only() as uow:
        assert uow.alerts.list(raised_since=at(0), raised_until=beijing) == [added[3], added[2], added[1]]
        assert uow.alerts.count(raised_since=at(0), raised_until=at(60)) == 3
        assert uow.alerts.list(raised_until=at(0)) == [added[1], added[0]]
        assert uow.alerts.list(raised_since=at(30), raised_until=at(60), limit=1, offset=1) == [added[2]]
        assert uow.alerts.count(raised_since=at(61), raised_until=at(60)) == 0
