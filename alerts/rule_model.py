"""Alert rules people set: what a rule watches, when it raises and clears, and what its alerts are for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alerts.models import Severity
from alerts.signals import AlertPurpose, CasePolicy
from iot.models import MetricRange

# Subjects a rule can scope: a sensor kind, or every team (positions), or one device or team by id.
TEAM_KIND = "team"
# Severities from mild to grave: a rule's levels escalate along this order.
SEVERITY_ORDER: tuple[Severity, ...] = tuple(Severity)


def severity_rank(severity: Severity) -> int:
    """Return how grave a severity is (0 is the mildest)."""
    return SEVERITY_ORDER.index(severity)


class RuleKind(StrEnum):
    """What a rule tests."""

    THRESHOLD = "threshold"  # past A raises, back past B clears
    SUSTAINED = "sustained"  # a threshold that must hold for a duration before it raises
    RATE = "rate"            # |Δvalue/Δt| per minute past a rate
    SILENCE = "silence"      # no reading for N expected intervals (on the clock)
    RANGE = "range"          # outside the metric's physical range: a sensor fault
    GEOFENCE = "geofence"    # a team or mobile device inside (enter) or outside (exit) a polygon


# Kinds evaluated on messages (readings, positions); silence runs on the clock.
STREAM_KINDS = frozenset({RuleKind.THRESHOLD, RuleKind.SUSTAINED, RuleKind.RATE, RuleKind.RANGE, RuleKind.GEOFENCE})


class Direction(StrEnum):
    """Which side of the limit alarms."""

    ABOVE = "above"
    BELOW = "below"


class Trigger(StrEnum):
    """Whether being inside or outside the fence alarms."""

    ENTER = "enter"
    EXIT = "exit"


@dataclass(frozen=True, slots=True)
class Scope:
    """Who a rule watches: every subject of a kind (a sensor kind, or 'team'), or one device or team by id."""

    kind: str | None = None
    subject: str | None = None

    def covers(self, subject_id: str, subject_kind: str) -> bool:
        """Return whether the rule applies to this subject."""
        return subject_id == self.subject if self.subject is not None else subject_kind == self.kind


@dataclass(frozen=True, slots=True)
class Level:
    """A further severity and the value (or rate) from which it applies."""

    severity: Severity
    at: float


@dataclass(frozen=True, slots=True)
class ThresholdParams:
    """Raise past raise_at (strictly), clear once back past clear_at (inclusive); sustained: after for_s."""

    direction: Direction
    raise_at: float
    clear_at: float
    for_s: float = 0.0

    def past_raise(self, value: float) -> bool:
        """Return whether the value is past the raise limit."""
        return value > self.raise_at if self.direction is Direction.ABOVE else value < self.raise_at

    def past_clear(self, value: float) -> bool:
        """Return whether the value is back past the clear limit."""
        return value <= self.clear_at if self.direction is Direction.ABOVE else value >= self.clear_at


@dataclass(frozen=True, slots=True)
class RateParams:
    """Raise when |Δvalue/Δt| exceeds rate_per_min; clear at or below clear_rate_per_min; gaps past max_gap_s skip."""

    rate_per_min: float
    clear_rate_per_min: float
    max_gap_s: float = 900.0


@dataclass(frozen=True, slots=True)
class SilenceParams:
    """Raise after intervals × the device's expected reporting interval without a reading.

    The interval is the device's own (registry), else this rule's interval_s when given, else its kind's
    (iot/kinds.yaml): Catalogue.interval_of is the one source, the rule only fills in where a device has none.
    """

    intervals: float
    interval_s: float | None = None


@dataclass(frozen=True, slots=True)
class RangeParams:
    """The metric's physical range; a value outside it is a sensor fault.

    A bound left out (None) in a rule is the device's own: its kind's range in iot/kinds.yaml with the device's
    overrides (Catalogue.metrics_of); a bound the rule gives overrides it. resolved() fills them in.
    """

    min: float | None = None
    max: float | None = None

    def resolved(self, physical: MetricRange | None) -> RangeParams:
        """Return these bounds with each one left out taken from the device's physical range (if it has one)."""
        if physical is None or (self.min is not None and self.max is not None):
            return self
        return RangeParams(physical.min if self.min is None else self.min,
                           physical.max if self.max is None else self.max)

    def outside(self, value: float) -> bool:
        """Return whether the value cannot be a real measurement."""
        return (self.min is not None and value < self.min) or (self.max is not None and value > self.max)


@dataclass(frozen=True, slots=True)
class GeofenceParams:
    """A polygon ring in WGS-84 (lon, lat); enter alarms inside, exit alarms outside."""

    polygon: tuple[tuple[float, float], ...]
    trigger: Trigger


Params = ThresholdParams | RateParams | SilenceParams | RangeParams | GeofenceParams


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One rule: its id, scope, kind and parameters, severity levels, clear delay and case policy."""

    id: str
    name: str
    kind: RuleKind
    scope: Scope
    params: Params
    metric: str | None = None
    enabled: bool = True
    severity: Severity = Severity.WARNING
    levels: tuple[Level, ...] = ()
    clear_delay_s: float = 0.0
    policy: CasePolicy = CasePolicy()
    purpose: AlertPurpose = AlertPurpose.INCIDENT

    def severity_at(self, measure: float, *, below: bool = False) -> Severity:
        """Return the gravest level this measure reaches (at or past the level's value), else the base severity."""
        found = self.severity
        for level in self.levels:
            reached = measure <= level.at if below else measure >= level.at
            if reached and severity_rank(level.severity) > severity_rank(found):
                found = level.severity
        return found
