"""The alert lifecycle: raise or fold a signal into the one open alert of its subject and rule, acknowledge, clear."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from alerts.errors import AlertConflict, AlertNotFound
from alerts.models import Alert, AlertStatus, severity_rank
from alerts.repository import AlertRepository
from alerts.rules import Exceedance
from alerts.signals import AlertSignal, SignalKind
from iot.models import Device, Reading


def _badness(value: float, limit: float) -> float:
    # Distance past the limit, so a rule on "too low" keeps its lowest value as the worst.
    return abs(value - limit)


def fold(alert: Alert, signal: AlertSignal) -> Alert:
    """Return the open alert with one more occurrence: last value, worst value, severity that only rises."""
    worse = _badness(signal.value, signal.limit) > _badness(alert.worst_value, alert.limit)  # type: ignore[arg-type]
    severity = max(alert.severity, signal.severity, key=severity_rank)
    return replace(
        alert, value=signal.value, limit=signal.limit, severity=severity, lon=signal.lon, lat=signal.lat,
        last_seen_at=max(alert.last_seen_at, signal.at), occurrences=alert.occurrences + 1,
        worst_value=signal.value if worse else alert.worst_value, worst_at=signal.at if worse else alert.worst_at,
    )


def new_alert(signal: AlertSignal, *, grid_path: tuple[str, ...]) -> Alert:
    """Return the alert a raise opens (not stored)."""
    return Alert(device_id=signal.subject_id, sensor_kind=signal.subject_kind, metric=signal.metric,
                 value=signal.value, limit=signal.limit, severity=signal.severity, lon=signal.lon, lat=signal.lat,
                 grid_path=grid_path, raised_at=signal.at, last_seen_at=signal.at, rule_id=signal.rule_id,
                 purpose=signal.purpose)


def raise_or_fold(*, repo: AlertRepository, signal: AlertSignal, grid_path: tuple[str, ...]) -> tuple[Alert, bool]:
    """Fold a raise or update into the subject's open alert of the rule, or open one; the bool says it is new."""
    if signal.kind is SignalKind.CLEAR:
        raise ValueError(f"alert of {signal.subject_id}/{signal.rule_id}: a clear does not raise; use clear_open")
    open_alert = repo.find_open(device_id=signal.subject_id, rule_id=signal.rule_id)
    if open_alert is not None:
        # A sensor keeps alarming every few seconds; one condition must stay one alert and one case.
        folded = fold(open_alert, signal)
        repo.update(folded)
        return folded, False
    return repo.add(new_alert(signal, grid_path=grid_path)), True


def raise_alert(*, repo: AlertRepository, device: Device, reading: Reading, exceedance: Exceedance,
                grid_path: tuple[str, ...]) -> tuple[Alert, bool]:
    """Raise or fold the alert of a fixed threshold exceeded by a reading (rule id threshold:<metric>)."""
    signal = AlertSignal(kind=SignalKind.RAISE, rule_id=f"threshold:{exceedance.metric}", subject_id=device.id,
                         subject_kind=str(device.kind), subject_name=device.name, metric=exceedance.metric,
                         value=exceedance.value, limit=exceedance.limit, severity=exceedance.severity, at=reading.ts,
                         lon=reading.lon, lat=reading.lat)
    return raise_or_fold(repo=repo, signal=signal, grid_path=grid_path)


def link_case(*, repo: AlertRepository, alert: Alert, case_id: int) -> Alert:
    """Record which case handles the alert."""
    linked = replace(alert, case_id=case_id)
    repo.update(linked)
    return linked


def clear(alert: Alert, *, at: datetime) -> Alert:
    """Return the alert cleared at that instant (a cleared alert stays as it was)."""
    if not alert.is_open:
        return alert
    return replace(alert, status=AlertStatus.CLEARED, cleared_at=at)


def clear_alert(*, repo: AlertRepository, alert_id: int, at: datetime) -> Alert:
    """Clear an alert so that the next signal of its subject and rule raises a new one; clearing twice is harmless."""
    alert = repo.get(alert_id, for_update=True)
    if alert is None:
        raise AlertNotFound(f"alert {alert_id}: no such alert")
    cleared = clear(alert, at=at)
    if cleared is not alert:
        repo.update(cleared)
    return cleared


def clear_open(*, repo: AlertRepository, subject_id: str, rule_id: str, at: datetime) -> Alert | None:
    """Clear the subject's open alert of the rule; return it, or None when none was open."""
    open_alert = repo.find_open(device_id=subject_id, rule_id=rule_id)
    if open_alert is None:
        return None
    cleared = clear(open_alert, at=at)
    repo.update(cleared)
    return cleared


def _when(at: datetime | None) -> str:
    return "an unknown time" if at is None else at.isoformat()


def acknowledge_alert(*, repo: AlertRepository, alert_id: int, by: str, note: str, at: datetime) -> Alert:
    """Record that an operator has seen the alert and what they said; a cleared or acknowledged one is a conflict."""
    alert = repo.get(alert_id, for_update=True)
    if alert is None:
        raise AlertNotFound(f"alert {alert_id}: no such alert")
    if alert.status is AlertStatus.CLEARED:
        raise AlertConflict(f"alert {alert_id}: already cleared at {_when(alert.cleared_at)}; "
                            "nothing left to acknowledge")
    if alert.status is AlertStatus.ACKNOWLEDGED:
        raise AlertConflict(f"alert {alert_id}: already acknowledged by {alert.acknowledged_by} at "
                            f"{_when(alert.acknowledged_at)}")
    acknowledged = replace(alert, status=AlertStatus.ACKNOWLEDGED, acknowledged_by=by, acknowledged_at=at,
                           ack_note=note)
    repo.update(acknowledged)
    return acknowledged
