"""Alerts raised by sensors (and later by camera analytics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AlertStatus(StrEnum):
    """An open alert absorbs repeats of the same alarm; it closes when its case closes."""

    OPEN = "open"
    CLOSED = "closed"


class Severity(StrEnum):
    """How far over its limit the alarm went."""

    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class Alert:
    """A located alarm: which device and metric, how far over, in which grids (coarsest first)."""

    device_id: str
    sensor_kind: str
    metric: str
    value: float
    limit: float
    severity: Severity
    lon: float
    lat: float
    grid_path: tuple[str, ...]
    raised_at: datetime
    last_seen_at: datetime
    occurrences: int = 1
    status: AlertStatus = AlertStatus.OPEN
    case_id: int | None = None
    id: int | None = None

    @property
    def grid_code(self) -> str | None:
        """Return the finest grid the alert lies in."""
        return self.grid_path[-1] if self.grid_path else None
