"""Alerts: one per subject and rule while open, raised, acknowledged by a person, cleared when the condition ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AlertStatus(StrEnum):
    """Raised by a rule, acknowledged by an operator, cleared when its condition ended (or its case closed)."""

    RAISED = "raised"
    ACKNOWLEDGED = "acknowledged"
    CLEARED = "cleared"

    @property
    def is_open(self) -> bool:
        """Return whether the alert still folds new signals of its subject and rule."""
        return self is not AlertStatus.CLEARED


# "Open" means not cleared: a raised or an acknowledged alert still absorbs its rule's repeats.
OPEN_STATUSES = frozenset({AlertStatus.RAISED, AlertStatus.ACKNOWLEDGED})


class Severity(StrEnum):
    """How grave the alarm is; members are declared from the mildest to the gravest (see severity_rank)."""

    WARNING = "warning"
    CRITICAL = "critical"


def severity_rank(severity: Severity) -> int:
    """Return the severity's place from mildest (0) up, so levels added later compare by declaration order."""
    return list(Severity).index(severity)


class AlertPurpose(StrEnum):
    """Who an alert is for: an incident goes to its platform, a sensor fault to the device's owner for repair."""

    INCIDENT = "incident"
    MAINTENANCE = "maintenance"


def default_rule_id(sensor_kind: str, metric: str) -> str:
    """Return the rule id of alerts raised before rules had ids: the camera families and the fixed thresholds."""
    return f"camera:{metric}" if sensor_kind == "camera" else f"threshold:{metric}"


@dataclass(frozen=True, slots=True)
class Alert:
    """A located alarm of one subject (device or camera) and one rule, with its history folded in.

    value is the last value seen; first_value and worst_value (the farthest past the limit, and when) keep the
    rest. raised_at is when it was first seen. Defaults left None are filled from value and raised_at.
    """

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
    status: AlertStatus = AlertStatus.RAISED
    case_id: int | None = None
    id: int | None = None
    rule_id: str = ""
    purpose: AlertPurpose = AlertPurpose.INCIDENT
    first_value: float | None = None
    worst_value: float | None = None
    worst_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    ack_note: str = ""
    cleared_at: datetime | None = None

    def __post_init__(self) -> None:
        # A frozen record may still complete itself once, before anyone sees it.
        if not self.rule_id:
            object.__setattr__(self, "rule_id", default_rule_id(self.sensor_kind, self.metric))
        if self.first_value is None:
            object.__setattr__(self, "first_value", self.value)
        if self.worst_value is None:
            object.__setattr__(self, "worst_value", self.value)
        if self.worst_at is None:
            object.__setattr__(self, "worst_at", self.raised_at)

    @property
    def grid_code(self) -> str | None:
        """Return the finest grid the alert lies in."""
        return self.grid_path[-1] if self.grid_path else None

    @property
    def first_seen_at(self) -> datetime:
        """Return when the condition was first seen (the alert's raise)."""
        return self.raised_at

    @property
    def is_open(self) -> bool:
        """Return whether the alert is raised or acknowledged, not cleared."""
        return self.status.is_open
