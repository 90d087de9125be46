"""Raising, folding, linking and closing alerts, on an in-memory AlertRepository."""

from __future__ import annotations

import dataclasses

import pytest

from alerts.errors import AlertError
from alerts.models import Alert, AlertStatus, Severity
from alerts.rules import Exceedance
from alerts.service import close_alert, link_case, raise_alert
from tests.factories import at, make_device, make_reading

GRIDS = ("T01", "V01", "N01")


class FakeAlerts:
    """An AlertRepository in a dict: enough for the service's pure logic, with every write recorded."""

    def __init__(self) -> None:
        self.rows: dict[int, Alert] = {}
        self.writes: list[Alert] = []

    def add(self, alert: Alert) -> Alert:
        stored = dataclasses.replace(alert, id=len(self.rows) + 1)
        self.rows[stored.id] = stored  # type: ignore[index]
        self.writes.append(stored)
        return stored

    def update(self, alert: Alert) -> None:
        assert alert.id in self.rows, f"update of unknown alert {alert.id}"
        self.rows[alert.id] = alert  # type: ignore[index]
        self.writes.append(alert)

    def get(self, alert_id: int) -> Alert | None:
        return self.rows.get(alert_id)

    def find_open(self, *, device_id: str, metric: str) -> Alert | None:
        found = [a for a in self.rows.values()
                 if (a.device_id, a.metric, a.status) == (device_id, metric, AlertStatus.OPEN)]
        return max(found, key=lambda a: (a.raised_at, a.id), default=None)


def _raise(repo: FakeAlerts, value: float, minute: float, *, metric: str = "pm25", device_id: str = "aq-001",
           severity: Severity | None = None) -> tuple[Alert, bool]:
    severity = severity or (Severity.CRITICAL if value >= 225 else Severity.WARNING)
    return raise_alert(repo=repo, device=make_device(device_id), reading=make_reading(device_id, ts=at(minute)),
                       exceedance=Exceedance(metric, value, 150.0, severity), grid_path=GRIDS)


def test_first_exceedance_opens_an_alert_located_where_the_reading_was() -> None:
    repo = FakeAlerts()
    alert, is_new = _raise(repo, 180.0, 0)
    assert is_new and alert.id == 1 and repo.rows[1] == alert
    assert (alert.device_id, alert.sensor_kind, alert.metric, alert.value, alert.limit) == (
        "aq-001", "air_quality", "pm25", 180.0, 150.0)
    assert alert.severity is Severity.WARNING and alert.status is AlertStatus.OPEN and alert.case_id is None
    assert alert.grid_path == GRIDS and alert.raised_at == alert.last_seen_at == at(0) and alert.occurrences == 1


def test_a_later_worse_reading_escalates_the_open_alert_from_warning_to_critical() -> None:
    repo = FakeAlerts()
    first, _ = _raise(repo, 180.0, 0)
    folded, is_new = _raise(repo, 260.0, 1)
    assert not is_new and folded.id == first.id
    assert folded.severity is Severity.CRITICAL and repo.rows[first.id].severity is Severity.CRITICAL  # type: ignore[index]


def test_a_later_milder_reading_never_lowers_severity_or_value() -> None:
    repo = FakeAlerts()
    first, _ = _raise(repo, 260.0, 0)
    folded, _ = _raise(repo, 170.0, 1)
    assert folded.severity is Severity.CRITICAL and folded.value == 260.0
    assert repo.rows[first.id] == folded  # type: ignore[index]


def test_the_folded_value_is_the_worst_seen_not_the_latest() -> None:
    repo = FakeAlerts()
    _raise(repo, 180.0, 0)
    _raise(repo, 210.0, 1)
    folded, _ = _raise(repo, 190.0, 2)
    assert folded.value == 210.0 and folded.occurrences == 3


def test_folding_keeps_when_it_was_raised_and_moves_last_seen_forward_only() -> None:
    repo = FakeAlerts()
    _raise(repo, 180.0, 5)
    later, _ = _raise(repo, 181.0, 9)
    # A late (QoS 1 redelivered or queued) reading must not move the alert back in time.
    late, _ = _raise(repo, 182.0, 7)
    assert later.raised_at == late.raised_at == at(5)
    assert later.last_seen_at == late.last_seen_at == at(9)


def test_other_metrics_and_devices_open_their_own_alerts() -> None:
    repo = FakeAlerts()
    pm25, _ = _raise(repo, 180.0, 0)
    pm10, new_metric = _raise(repo, 300.0, 0, metric="pm10")
    other, new_device = _raise(repo, 180.0, 0, device_id="aq-002")
    assert new_metric and new_device and len({pm25.id, pm10.id, other.id}) == 3


def test_link_case_records_the_case_and_keeps_the_rest() -> None:
    repo = FakeAlerts()
    alert, _ = _raise(repo, 260.0, 0)
    linked = link_case(repo=repo, alert=alert, case_id=42)
    assert linked == dataclasses.replace(alert, case_id=42) and repo.rows[alert.id] == linked  # type: ignore[index]


def test_after_close_the_next_alarm_opens_a_new_alert() -> None:
    repo = FakeAlerts()
    first, _ = _raise(repo, 260.0, 0)
    closed = close_alert(repo=repo, alert_id=first.id, at=at(30))  # type: ignore[arg-type]
    assert closed.status is AlertStatus.CLOSED and closed.last_seen_at == at(30)
    assert (closed.value, closed.severity, closed.occurrences) == (260.0, Severity.CRITICAL, 1)
    again, is_new = _raise(repo, 170.0, 31)
    assert is_new and again.id != first.id and again.severity is Severity.WARNING and again.value == 170.0
    assert repo.rows[first.id].status is AlertStatus.CLOSED  # type: ignore[index]


def test_closing_keeps_a_last_seen_later_than_the_close() -> None:
    repo = FakeAlerts()
    first, _ = _raise(repo, 180.0, 10)
    assert close_alert(repo=repo, alert_id=first.id, at=at(5)).last_seen_at == at(10)  # type: ignore[arg-type]


def test_closing_an_unknown_alert_says_which() -> None:
    with pytest.raises(AlertError, match="alert 7: no such alert"):
        close_alert(repo=FakeAlerts(), alert_id=7, at=at(0))
