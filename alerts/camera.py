"""Alerts of camera health: a camera that stops streaming or whose picture goes wrong, as maintenance signals."""

from __future__ import annotations

from datetime import datetime

from alerts.models import AlertPurpose, Severity
from alerts.signals import AlertSignal, CasePolicy, SignalKind
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
HEALTHY_VALUE = 0.0
# A fault opens a maintenance case at once; field teams do not repair cameras (maintenance never dispatches).
CAMERA_POLICY = CasePolicy(open_case=True, min_severity=Severity.WARNING, min_duration_s=0.0, auto_dispatch=False)


def metric_for(status: Health) -> str | None:
    """Return the alert metric of a health status: 'offline', 'picture', or None for a healthy camera."""
    if not status.is_fault:
        return None
    return OFFLINE if status is Health.OFFLINE else PICTURE


def rule_id_for(metric: str) -> str:
    """Return the rule id of a camera fault family."""
    return f"camera:{metric}"


def camera_signal(camera: Camera, *, metric: str, kind: SignalKind, at: datetime, detail: str = "") -> AlertSignal:
    """Return the signal of a camera's fault family: a raise while faulty, a clear once healthy."""
    severity = Severity.CRITICAL if metric == OFFLINE else Severity.WARNING
    return AlertSignal(kind=kind, rule_id=rule_id_for(metric), subject_id=camera.id, subject_kind=CAMERA_KIND,
                       subject_name=camera.name, metric=metric,
                       value=HEALTHY_VALUE if kind is SignalKind.CLEAR else FAULT_VALUE, limit=FAULT_LIMIT,
                       severity=severity, at=at, lon=camera.lon, lat=camera.lat, purpose=AlertPurpose.MAINTENANCE,
                       policy=CAMERA_POLICY, detail=detail, owner=camera.owner)
