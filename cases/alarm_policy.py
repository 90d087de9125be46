"""Whether an alert opens a case by its rule's policy, which category it files under, and which open case it joins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from alerts.models import Alert, AlertPurpose, severity_rank
from alerts.rule_model import TEAM_KIND
from alerts.signals import FENCE_METRIC, AlertSignal, CasePolicy
from cases.models import Case, CaseSource
from cases.repository import CaseRepository
from cases.routing import CATEGORIES, Category, category_for_sensor
from gis.geometry import bbox_around, haversine_m

CAMERA_KIND = "camera"
CAMERA_FAULT = "camera_fault"
DEVICE_FAULT = "device_fault"
# A team or a mobile device where it must not be (a restricted river bank): a safety matter for governance.
FENCE_CATEGORY = "safety_hazard"
DEFAULT_LINK_RADIUS_M = 150.0
DEFAULT_LINK_WINDOW = timedelta(minutes=60)


@dataclass(frozen=True, slots=True)
class AlertLinking:
    """How near in space and time an open case of the same category must be for an alert to join it."""

    radius_m: float = DEFAULT_LINK_RADIUS_M
    window: timedelta = DEFAULT_LINK_WINDOW


@dataclass(frozen=True, slots=True)
class NearCase:
    """An open case an alert joins, and how far from the alert it lies."""

    case: Case
    distance_m: float


def policy_met(alert: Alert, policy: CasePolicy) -> bool:
    """Return whether the alert is severe enough and has lasted long enough for its rule to open a case."""
    if not policy.open_case:
        return False
    lasted_s = (alert.last_seen_at - alert.raised_at).total_seconds()
    return severity_rank(alert.severity) >= severity_rank(policy.min_severity) and lasted_s >= policy.min_duration_s


def category_for(signal: AlertSignal) -> Category:
    """Return the category of a signal's case: the subject's fault for maintenance, a safety hazard for a fence,
    its kind's matter otherwise."""
    if signal.purpose is AlertPurpose.MAINTENANCE:
        return CATEGORIES[CAMERA_FAULT if signal.subject_kind == CAMERA_KIND else DEVICE_FAULT]
    if signal.metric == FENCE_METRIC:
        return CATEGORIES[FENCE_CATEGORY]
    return category_for_sensor(signal.subject_kind)


def may_dispatch(signal: AlertSignal) -> bool:
    """Return whether the alert's case may go to the nearest team without a person: never for a fault, never when
    the rule's policy says wait, never for a team's own alert (the nearest team to a team is that team)."""
    return (signal.purpose is AlertPurpose.INCIDENT and signal.policy.auto_dispatch
            and signal.subject_kind != TEAM_KIND)


def source_for(signal: AlertSignal) -> CaseSource:
    """Return who reported the case: a camera, or a sensor (devices and rules on team positions alike)."""
    return CaseSource.CAMERA if signal.subject_kind == CAMERA_KIND else CaseSource.SENSOR


def near_open_case(cases: CaseRepository, *, alert: Alert, category: str, linking: AlertLinking,
                   at: datetime) -> NearCase | None:
    """Return the nearest open case of the category within the radius, opened within the window of the alert."""
    # The bbox query uses the store's point index; the exact distance is measured on the few rows it finds.
    found = cases.open_near(category=category, bbox=bbox_around(alert.lon, alert.lat, linking.radius_m),
                            created_since=alert.raised_at - linking.window)
    near = [NearCase(c, haversine_m(alert.lon, alert.lat, c.lon, c.lat)) for c in found if c.created_at <= at]
    near = [n for n in near if n.distance_m <= linking.radius_m]
    return min(near, key=lambda n: (n.distance_m, n.case.id), default=None)
