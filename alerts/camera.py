"""Alerts of camera health: a camera that stops streaming or whose picture goes wrong, folded while open."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from alerts.models import Alert, AlertStatus, Severity
from alerts.repository import AlertRepository
from video.health import Health
from video.models import Camera

CAMERA_KIND = "camera"
# The two families a command room tells apart: no stream at all, or a stream whose picture is unusable.
OFFLINE = "offline"
PICTURE = "picture"
METRICS = (OFFLINE, PICTURE)
# A camera alert is a fault to repair, not a threshold reading: value 1 (faulty) over limit 0.
FAULT_VALUE = 1.0
FAULT_LIMIT = 0.0


def metric_for(status: Health) -> str | None:
    """Return the alert metric of a health status: 'offline', 'picture', or None for a healthy camera."""
    if not status.is_fault:
        return None
    return OFFLINE if status is Health.OFFLINE else PICTURE


def raise_camera_alert(*, repo: AlertRepository, camera: Camera, metric: str, grid_path: tuple[str, ...],
                       at: datetime) -> tuple[Alert, bool]:
    """Return the camera's open alert of this metric, refreshed, or a new one; the bool says it is new."""
    open_alert = repo.find_open(device_id=camera.id, metric=metric)
    if open_alert is not None:
        # A faulty camera is found faulty on every cycle; one fault stays one alert and one case.
        refreshed = replace(open_alert, last_seen_at=max(open_alert.last_seen_at, at),
                            occurrences=open_alert.occurrences + 1)
        repo.update(refreshed)
        return refreshed, False
    severity = Severity.CRITICAL if metric == OFFLINE else Severity.WARNING
    alert = Alert(device_id=camera.id, sensor_kind=CAMERA_KIND, metric=metric, value=FAULT_VALUE,
                  limit=FAULT_LIMIT, severity=severity, lon=camera.lon, lat=camera.lat, grid_path=grid_path,
                  raised_at=at, last_seen_at=at)
    return repo.add(alert), True


def open_camera_alerts(*, repo: AlertRepository, camera_id: str) -> list[Alert]:
    """Return the camera's open alerts (at most one per metric)."""
    found = (repo.find_open(device_id=camera_id, metric=metric) for metric in METRICS)
    return [alert for alert in found if alert is not None and alert.status is AlertStatus.OPEN]
