"""Raise alerts from exceedances, folding repeats of an open alarm into the alert already open."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from alerts.errors import AlertError
from alerts.models import Alert, AlertStatus, Severity
from alerts.repository import AlertRepository
from alerts.rules import Exceedance
from iot.models import Device, Reading


def raise_alert(*, repo: AlertRepository, device: Device, reading: Reading, exceedance: Exceedance,
                grid_path: tuple[str, ...]) -> tuple[Alert, bool]:
    """Return the open alert for this device and metric, refreshed, or a new one; the bool says it is new."""
    open_alert = repo.find_open(device_id=device.id, metric=exceedance.metric)
    if open_alert is not None:
        # A sensor keeps alarming every few seconds; one incident must stay one alert and one case.
        refreshed = replace(
            open_alert,
            value=max(open_alert.value, exceedance.value),
            severity=Severity.CRITICAL if Severity.CRITICAL in (open_alert.severity, exceedance.severity) else open_alert.severity,
            last_seen_at=max(open_alert.last_seen_at, reading.ts),
            occurrences=open_alert.occurrences + 1,
        )
        repo.update(refreshed)
        return refreshed, False
    alert = Alert(
        device_id=device.id, sensor_kind=str(device.kind), metric=exceedance.metric, value=exceedance.value,
        limit=exceedance.limit, severity=exceedance.severity, lon=reading.lon, lat=reading.lat,
        grid_path=grid_path, raised_at=reading.ts, last_seen_at=reading.ts,
    )
    return repo.add(alert), True


def link_case(*, repo: AlertRepository, alert: Alert, case_id: int) -> Alert:
    """Record which case handles the alert."""
    linked = replace(alert, case_id=case_id)
    repo.update(linked)
    return linked


def close_alert(*, repo: AlertRepository, alert_id: int, at: datetime) -> Alert:
    """Close an alert so that the next alarm of its device opens a new incident."""
    alert = repo.get(alert_id)
    if alert is None:
        raise AlertError(f"alert {alert_id}: no such alert")
    closed = replace(alert, status=AlertStatus.CLOSED, last_seen_at=max(alert.last_seen_at, at))
    repo.update(closed)
    return closed
