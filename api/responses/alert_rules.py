"""Answers about alert rules."""

from __future__ import annotations

from pydantic import Field

from alerts.models import Severity
from alerts.rule_model import Direction, RuleKind, Trigger
from alerts.signals import AlertPurpose
from api.responses.common import ReadModel


class ScopeRead(ReadModel):
    """Who the rule watches: a kind (a sensor kind or 'team') or one subject id."""

    kind: str | None = None
    subject: str | None = None


class CasePolicyRead(ReadModel):
    """When the rule's alerts open a case and whether a team goes without the command room."""

    open_case: bool
    min_severity: Severity
    min_duration_s: float
    auto_dispatch: bool


class AlertRuleRead(ReadModel):
    """A rule as stored; kind-specific fields are null where the kind has none."""

    id: str
    name: str
    kind: RuleKind
    scope: ScopeRead
    enabled: bool
    metric: str | None = None
    severity: Severity
    levels: dict[Severity, float]
    clear_delay_s: float
    case_policy: CasePolicyRead
    purpose: AlertPurpose
    direction: Direction | None = None
    raise_at: float | None = None
    clear_at: float | None = None
    for_s: float | None = None
    rate_per_min: float | None = None
    clear_rate_per_min: float | None = None
    max_gap_s: float | None = None
    intervals: float | None = None
    interval_s: float | None = None
    min: float | None = None
    max: float | None = None
    polygon: list[tuple[float, float]] | None = None
    trigger: Trigger | None = None


class AlertRuleList(ReadModel):
    """Every rule, and the revision engines compare to know they are up to date."""

    items: list[AlertRuleRead]
    revision: int = Field(description="Moves with every change; each ingest batch reloads rules when it moved.")
