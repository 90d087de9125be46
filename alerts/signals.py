"""The rules engine's only output: raise, update or clear one alert of one subject and rule, with its case policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from alerts.models import AlertPurpose, Severity

__all__ = ["FENCE_METRIC", "AlertPurpose", "AlertSignal", "CasePolicy", "SignalKind"]

# The metric of every geofence signal: what tells the lifecycle a subject crossed a fence, whatever its kind.
FENCE_METRIC = "inside_fence"


class SignalKind(StrEnum):
    """What a rule says about its subject at an instant."""

    RAISE = "raise"    # the condition began (or still holds: the alert folds it in)
    UPDATE = "update"  # the condition still holds; a new value for the open alert
    CLEAR = "clear"    # the condition ended (after the rule's clear delay)


@dataclass(frozen=True, slots=True)
class CasePolicy:
    """When an alert of a rule opens a case, and whether the nearest team goes without waiting for a person."""

    open_case: bool = True
    min_severity: Severity = Severity.WARNING
    min_duration_s: float = 0.0
    auto_dispatch: bool = True


@dataclass(frozen=True, slots=True)
class AlertSignal:
    """One rule's verdict on one subject (a device or a team): the lifecycle turns it into an alert and maybe a case."""

    kind: SignalKind
    rule_id: str
    subject_id: str
    subject_kind: str
    subject_name: str
    metric: str
    value: float
    limit: float
    severity: Severity
    at: datetime
    lon: float
    lat: float
    purpose: AlertPurpose = AlertPurpose.INCIDENT
    policy: CasePolicy = CasePolicy()
    detail: str = ""
    owner: str = ""  # who maintains the subject (registry owner), named in a maintenance case
