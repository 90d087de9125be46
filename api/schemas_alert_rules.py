"""The body of an alert rule: one flat shape for every kind; alerts.rule_parse checks which fields a kind takes."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from alerts.models import Severity
from alerts.rule_model import Direction, RuleKind, Trigger
from alerts.signals import AlertPurpose
from api.schemas import Strict

_ID = r"^[a-z0-9][a-z0-9_.-]{0,63}$"


class ScopeBody(Strict):
    """Give exactly one: every subject of a kind (a sensor kind or 'team'), or one device or team id."""

    kind: Annotated[str | None, Field(max_length=32)] = None
    subject: Annotated[str | None, Field(max_length=64)] = None


class CasePolicyBody(Strict):
    """When an alert of the rule opens a case, and whether a team is dispatched without the command room."""

    open_case: bool = True
    min_severity: Severity = Severity.WARNING
    min_duration_s: Annotated[float, Field(ge=0)] = 0.0
    auto_dispatch: Annotated[bool | None, Field(description="default: true, false for geofence rules")] = None


class AlertRuleBody(Strict):
    """An alert rule; fields past `purpose` belong to some kinds only (see docs/mqtt.md, Alert rules)."""

    id: Annotated[str, Field(pattern=_ID, description="Lower-case letters, digits, '-', '_', '.'")]
    name: Annotated[str | None, Field(max_length=200)] = None
    kind: RuleKind
    scope: ScopeBody
    enabled: bool = True
    metric: Annotated[str | None, Field(max_length=32, description="threshold, sustained, rate, range")] = None
    severity: Severity = Severity.WARNING
    levels: Annotated[dict[Severity, float], Field(description="Graver severities and the value they start at")] = {}
    clear_delay_s: Annotated[float, Field(ge=0, le=86_400)] = 0.0
    case_policy: CasePolicyBody | None = None
    purpose: Annotated[AlertPurpose | None, Field(description="default: maintenance for range and silence")] = None
    direction: Annotated[Direction | None, Field(description="threshold, sustained")] = None
    raise_at: Annotated[float | None, Field(description="threshold, sustained: raise strictly past it")] = None
    clear_at: Annotated[float | None, Field(description="threshold, sustained: clear at or back past it")] = None
    for_s: Annotated[float | None, Field(gt=0, description="sustained: seconds past raise_at before raising")] = None
    rate_per_min: Annotated[float | None, Field(gt=0, description="rate: |Δvalue| per minute that raises")] = None
    clear_rate_per_min: Annotated[float | None, Field(ge=0, description="rate: clears at or below it")] = None
    max_gap_s: Annotated[float | None, Field(gt=0, description="rate: readings further apart say nothing")] = None
    intervals: Annotated[float | None, Field(gt=0, description="silence: expected intervals without a reading")] = None
    interval_s: Annotated[float | None, Field(gt=0, description="silence: expected interval where the device has none "
                                                                "of its own (default: its kind's, iot/kinds.yaml)")] = None
    min: Annotated[float | None, Field(description="range: lowest physical value (default: the device's: its kind's "
                                                         "range with its overrides)")] = None
    max: Annotated[float | None, Field(description="range: highest physical value (default: the device's: its kind's "
                                                         "range with its overrides)")] = None
    polygon: Annotated[list[tuple[float, float]] | None, Field(max_length=1000,
                                                               description="geofence: [lon, lat] WGS-84 ring")] = None
    trigger: Annotated[Trigger | None, Field(description="geofence: enter (alarm inside) or exit (alarm outside)")] = None
