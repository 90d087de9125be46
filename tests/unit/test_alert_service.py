"""The alert lifecycle on an in-memory AlertRepository: raise, fold, worst value, severity, clear, acknowledge."""

from __future__ import annotations

import dataclasses

import pytest

from alerts.errors import AlertConflict, AlertNotFound
from alerts.models import Alert, AlertStatus, Severity
from alerts.rules import Exceedance
from alerts.service import acknowledge_alert, clear_alert, clear_open, link_case, raise_alert, raise_or_fold
from alerts.signals import AlertSignal, SignalKind
from tests.factories import LAT, LON, at, make_device, make_reading

GRIDS = ("T01", "V01", "N01")


class FakeAlerts:
    """An AlertRepository in a dict: enough for the service's pure logic, with every write recorded."""

    def __init__(self) -> None:
        self.rows: dict[int, Alert] = {}
        self.writes: list[Alert] = []

    def add(self, alert: Alert) -> Alert:
        assert self.find_open(device_id=alert.device_id, rule_id=alert.rule_id) is None, "second open alert"
        stored = dataclasses.replace(alert, id=len(self.rows) + 1)
        self.rows[stored.id] = stored  # type: ignore[index]
        self.writes.append(stored)
        return stored

    def update(self, alert: Alert) -> None:
        assert alert.id in self.rows, f"update of unknown alert {alert.id}"
        self.rows[alert.id] = alert  # type: ignore[index]
        self.writes.append(alert)

    def get(self, alert_id: int, *, for_update: bool = False) -> Alert | None:
        return self.rows.get(alert_id)

    def find_open(self, *, device_id: str, rule_id: str) -> Alert | None:
        found = [a for a in self.rows.values() if (a.device_id, a.rule_id) == (device_id, rule_id) and a.is_open]
        return found[0] if found else None


def _raise(repo: FakeAlerts, value: float, minute: float, *, metric: str = "pm25", device_id: str = "aq-001",
           severity: Severity | None = None) -> tuple[Alert, bool]:
    severity = severity or (Severity.CRITICAL if value >= 225 else Severity.WARNING)
    return raise_alert(repo=repo, device=make_device(device_id), reading=make_reading(device_id, ts=at(minute)),
                       exceedance=Exceedance(metric, value, 150.0, severity), grid_path=GRIDS)


def _low(value: float, minute: float, kind: SignalKind = SignalKind.UPDATE) -> AlertSignal:
    """A rule on too low a value (limit 2.0 m): the worst is the lowest."""
    return AlertSignal(kind=kind, rule_id="water-low", subject_id="wl-001", subject_kind="water_level",
                       subject_name="river", metric="level_m", value=value, limit=2.0, severity=Severity.WARNING,
                       at=at(minute), lon=LON, lat=LAT)


def test_first_exceedance_raises_an_alert_of_its_rule_located_where_the_reading_was() -> None:
    repo = FakeAlerts()
    alert, is_new = _raise(repo, 180.0, 0)
    assert is_new and alert.id == 1 and repo.rows[1] == alert
    assert (alert.device_id, alert.sensor_kind, alert.metric, alert.value, alert.limit, alert.rule_id) == (
        "aq-001", "air_quality", "pm25", 180.0, 150.0, "threshold:pm25")
    assert alert.severity is Severity.WARNING and alert.status is AlertStatus.RAISED and alert.case_id is None
    assert alert.grid_path == GRIDS and alert.raised_at == alert.last_seen_at == at(0) and alert.occurrences == 1
    assert (alert.first_value, alert.worst_value, alert.worst_at) == (180.0, 180.0, at(0))


def test_a_later_worse_reading_escalates_the_open_alert_from_warning_to_critical() -> None:
    repo = FakeAlerts()
    first, _ = _raise(repo, 180.0, 0)
    folded, is_new = _raise(repo, 260.0, 1)
    assert not is_new and folded.id == first.id
    assert folded.severity is Severity.CRITICAL and repo.rows[first.id].severity is Severity.CRITICAL  # type: ignore[index]


def test_a_later_milder_reading_never_lowers_severity_and_keeps_the_worst_value() -> None:
    repo = FakeAlerts()
    first, _ = _raise(repo, 260.0, 0)
    folded, _ = _raise(repo, 170.0, 1)
    assert folded.severity is Severity.CRITICAL and folded.value == 170.0
    assert (folded.worst_value, folded.worst_at, folded.first_value) == (260.0, at(0), 260.0)
    assert repo.rows[first.id] == folded  # type: ignore[index]


def test_the_fold_keeps_the_last_value_and_the_worst_with_when() -> None:
    repo = FakeAlerts()
    _raise(repo, 180.0, 0)
    _raise(repo, 210.0, 1)
    folded, _ = _raise(repo, 190.0, 2)
    assert (folded.value, folded.worst_value, folded.worst_at, folded.occurrences) == (190.0, 210.0, at(1), 3)


def test_the_worst_of_a_low_limit_rule_is_the_lowest_value() -> None:
    repo = FakeAlerts()
    raise_or_fold(repo=repo, signal=_low(1.5, 0, SignalKind.RAISE), grid_path=GRIDS)
    raise_or_fold(repo=repo, signal=_low(0.9, 1), grid_path=GRIDS)
    folded, _ = raise_or_fold(repo=repo, signal=_low(1.2, 2), grid_path=GRIDS)
    assert (folded.value, folded.worst_value, folded.worst_at) == (1.2, 0.9, at(1))


def test_folding_keeps_when_it_was_raised_and_moves_last_seen_forward_only() -> None:
    repo = FakeAlerts()
    _raise(repo, 180.0, 5)
    later, _ = _raise(repo, 181.0, 9)
    # A late (QoS 1 redelivered or queued) reading must not move the alert back in time.
    late, _ = _raise(repo, 182.0, 7)
    assert later.raised_at == late.raised_at == at(5) == late.first_seen_at
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


def test_after_a_clear_the_next_alarm_raises_a_new_alert() -> None:
    repo = FakeAlerts()
    first, _ = _raise(repo, 260.0, 0)
    cleared = clear_alert(repo=repo, alert_id=first.id, at=at(30))  # type: ignore[arg-type]
    assert cleared.status is AlertStatus.CLEARED and cleared.cleared_at == at(30) and not cleared.is_open
    assert (cleared.value, cleared.severity, cleared.occurrences) == (260.0, Severity.CRITICAL, 1)
    again, is_new = _raise(repo, 170.0, 31)
    assert is_new and again.id != first.id and again.severity is Severity.WARNING and again.value == 170.0
    assert repo.rows[first.id].status is AlertStatus.CLEARED  # type: ignore[index]


def test_clearing_twice_keeps_the_first_clear() -> None:
    repo = FakeAlerts()
    first, _ = _raise(repo, 180.0, 10)
    clear_alert(repo=repo, alert_id=first.id, at=at(11))  # type: ignore[arg-type]
    assert clear_alert(repo=repo, alert_id=first.id, at=at(20)).cleared_at == at(11)  # type: ignore[arg-type]
    assert clear_open(repo=repo, subject_id="aq-001", rule_id="threshold:pm25", at=at(21)) is None


def test_clearing_an_unknown_alert_says_which() -> None:
    with pytest.raises(AlertNotFound, match="alert 7: no such alert"):
        clear_alert(repo=FakeAlerts(), alert_id=7, at=at(0))


def test_acknowledging_records_who_when_and_the_note_and_the_alert_stays_open() -> None:
    repo = FakeAlerts()
    first, _ = _raise(repo, 180.0, 0)
    acked = acknowledge_alert(repo=repo, alert_id=first.id, by="user:op", note="河边巡查", at=at(2))  # type: ignore[arg-type]
    assert (acked.status, acked.acknowledged_by, acked.acknowledged_at, acked.ack_note) == (
        AlertStatus.ACKNOWLEDGED, "user:op", at(2), "河边巡查")
    folded, is_new = _raise(repo, 190.0, 3)
    assert not is_new and folded.id == first.id and folded.status is AlertStatus.ACKNOWLEDGED


def test_acknowledging_twice_or_after_a_clear_is_a_conflict_that_says_why() -> None:
    repo = FakeAlerts()
    first, _ = _raise(repo, 180.0, 0)
    acknowledge_alert(repo=repo, alert_id=first.id, by="user:op", note="", at=at(2))  # type: ignore[arg-type]
    with pytest.raises(AlertConflict, match="already acknowledged by user:op"):
        acknowledge_alert(repo=repo, alert_id=first.id, by="user:other", note="", at=at(3))  # type: ignore[arg-type]
    clear_alert(repo=repo, alert_id=first.id, at=at(4))  # type: ignore[arg-type]
    with pytest.raises(AlertConflict, match="already cleared"):
        acknowledge_alert(repo=repo, alert_id=first.id, by="user:op", note="", at=at(5))  # type: ignore[arg-type]
    with pytest.raises(AlertNotFound):
        acknowledge_alert(repo=repo, alert_id=99, by="user:op", note="", at=at(5))
