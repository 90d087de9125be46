"""Read rules from plain data (YAML, JSON, API bodies) with errors that name the source, the rule and the field."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from alerts.errors import AlertRuleError
from alerts.models import Severity
from alerts.rule_model import (AlertRule, Direction, GeofenceParams, Level, Params, RangeParams, RateParams, RuleKind,
                               Scope, SilenceParams, ThresholdParams, Trigger, severity_rank)
from alerts.signals import AlertPurpose, CasePolicy

DEFAULT_RULES_FILE = "default_rules.yaml"
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_METRIC = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_COMMON = {"id", "name", "kind", "scope", "enabled", "metric", "severity", "levels", "clear_delay_s", "case_policy",
           "purpose"}
_KIND_FIELDS: dict[RuleKind, set[str]] = {
    RuleKind.THRESHOLD: {"direction", "raise_at", "clear_at"},
    RuleKind.SUSTAINED: {"direction", "raise_at", "clear_at", "for_s"},
    RuleKind.RATE: {"rate_per_min", "clear_rate_per_min", "max_gap_s"},
    RuleKind.SILENCE: {"intervals", "interval_s"},
    RuleKind.RANGE: {"min", "max"},
    RuleKind.GEOFENCE: {"polygon", "trigger"},
}
# A sensor fault or a silent device is for the owner's maintainers, not an incident for a platform.
_MAINTENANCE_KINDS = {RuleKind.RANGE, RuleKind.SILENCE}
_NEEDS_METRIC = {RuleKind.THRESHOLD, RuleKind.SUSTAINED, RuleKind.RATE, RuleKind.RANGE}


class _Fields:
    """Typed reads of one rule's fields; every refusal names where, the rule and the field."""

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        self.data = data
        self.where = where

    def fail(self, field: str, why: str) -> AlertRuleError:
        return AlertRuleError(f"{self.where}: field {field!r}: {why}")

    def number(self, field: str, default: float | None = None, *, minimum: float | None = None,
               positive: bool = False) -> float:
        value = self.data.get(field, default)
        if value is None:
            raise self.fail(field, "is required")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(field, f"must be a finite number, got {value!r}")
        if positive and value <= 0:
            raise self.fail(field, f"must be above 0, got {value!r}")
        if minimum is not None and value < minimum:
            raise self.fail(field, f"must be at least {minimum:g}, got {value!r}")
        return float(value)

    def optional_number(self, field: str) -> float | None:
        return None if self.data.get(field) is None else self.number(field)

    def text(self, field: str, default: str | None = None, *, pattern: re.Pattern[str] | None = None) -> str:
        value = self.data.get(field, default)
        if value is None:
            raise self.fail(field, "is required")
        if not isinstance(value, str) or not value.strip() or len(value) > 200:
            raise self.fail(field, f"must be a non-empty text of at most 200 characters, got {value!r}")
        if pattern is not None and not pattern.match(value):
            raise self.fail(field, f"{value!r} does not match {pattern.pattern}")
        return value

    def choice(self, field: str, enum: type[Any], default: Any = None) -> Any:
        value = self.data.get(field, default)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(str(e.value) for e in enum)
            raise self.fail(field, f"{value!r} is not one of {allowed}") from None

    def flag(self, field: str, default: bool) -> bool:
        value = self.data.get(field, default)
        if not isinstance(value, bool):
            raise self.fail(field, f"must be true or false, got {value!r}")
        return value

    def mapping(self, field: str) -> Mapping[str, Any]:
        value = self.data.get(field) or {}
        if not isinstance(value, Mapping):
            raise self.fail(field, f"must be a mapping, got {type(value).__name__}")
        return value


def parse_rule(data: Any, *, where: str) -> AlertRule:
    """Return the rule a mapping describes, or raise AlertRuleError naming where, the rule id and the field."""
    if not isinstance(data, Mapping):
        raise AlertRuleError(f"{where}: a rule must be a mapping, got {type(data).__name__}")
    rule_id = data.get("id")
    fields = _Fields(data, f"{where}: rule {rule_id!r}" if isinstance(rule_id, str) else where)
    rule_id = fields.text("id", pattern=_ID)
    kind = fields.choice("kind", RuleKind)
    unknown = sorted(set(data) - _COMMON - _KIND_FIELDS[kind])
    if unknown:
        raise fields.fail(unknown[0], f"is not a field of a {kind} rule (allowed: "
                                      f"{', '.join(sorted(_COMMON | _KIND_FIELDS[kind]))})")
    metric = fields.text("metric", pattern=_METRIC) if kind in _NEEDS_METRIC else None
    if kind not in _NEEDS_METRIC and data.get("metric") is not None:
        raise fields.fail("metric", f"a {kind} rule watches no metric")
    severity = fields.choice("severity", Severity, Severity.WARNING)
    params = _params(fields, kind)
    levels = _levels(fields, severity, params)
    return AlertRule(
        id=rule_id, name=fields.text("name", rule_id), kind=kind, scope=_scope(fields, kind), params=params,
        metric=metric, enabled=fields.flag("enabled", True), severity=severity, levels=levels,
        clear_delay_s=fields.number("clear_delay_s", 0.0, minimum=0.0), policy=_policy(fields, kind),
        purpose=fields.choice("purpose", AlertPurpose,
                              AlertPurpose.MAINTENANCE if kind in _MAINTENANCE_KINDS else AlertPurpose.INCIDENT),
    )


def _scope(fields: _Fields, kind: RuleKind) -> Scope:
    scope = _Fields(fields.mapping("scope"), f"{fields.where}: scope")
    extra = sorted(set(scope.data) - {"kind", "subject"})
    if extra:
        raise fields.fail("scope", f"unknown key {extra[0]!r} (use 'kind' or 'subject')")
    if ("kind" in scope.data) == ("subject" in scope.data):
        raise fields.fail("scope", "give exactly one of 'kind' (a sensor kind or 'team') or 'subject' (a device or "
                                   "team id)")
    if "kind" in scope.data:
        return Scope(kind=scope.text("kind", pattern=_METRIC))
    return Scope(subject=scope.text("subject"))


def _params(fields: _Fields, kind: RuleKind) -> Params:
    if kind in (RuleKind.THRESHOLD, RuleKind.SUSTAINED):
        direction = fields.choice("direction", Direction, Direction.ABOVE)
        raise_at = fields.number("raise_at")
        clear_at = fields.number("clear_at", raise_at)
        if (clear_at > raise_at) if direction is Direction.ABOVE else (clear_at < raise_at):
            side = "at or below" if direction is Direction.ABOVE else "at or above"
            raise fields.fail("clear_at", f"{clear_at:g} must be {side} raise_at {raise_at:g} for a "
                                          f"{direction} rule (that gap is the hysteresis)")
        for_s = fields.number("for_s", positive=True) if kind is RuleKind.SUSTAINED else 0.0
        return ThresholdParams(direction, raise_at, clear_at, for_s)
    if kind is RuleKind.RATE:
        rate = fields.number("rate_per_min", positive=True)
        clear = fields.number("clear_rate_per_min", rate, minimum=0.0)
        if clear > rate:
            raise fields.fail("clear_rate_per_min", f"{clear:g} must be at or below rate_per_min {rate:g}")
        return RateParams(rate, clear, fields.number("max_gap_s", 900.0, positive=True))
    if kind is RuleKind.SILENCE:
        interval_s = fields.number("interval_s", positive=True) if fields.data.get("interval_s") is not None else None
        return SilenceParams(fields.number("intervals", 3.0, positive=True), interval_s)
    if kind is RuleKind.RANGE:
        # Bounds left out are the device's (kind catalogue with its overrides), resolved by the engine.
        low, high = fields.optional_number("min"), fields.optional_number("max")
        if low is not None and high is not None and low >= high:
            raise fields.fail("max", f"{high:g} must be above min {low:g}")
        return RangeParams(low, high)
    return GeofenceParams(_polygon(fields), fields.choice("trigger", Trigger, Trigger.ENTER))


def _polygon(fields: _Fields) -> tuple[tuple[float, float], ...]:
    from shapely import Polygon

    raw = fields.data.get("polygon")
    if not isinstance(raw, (list, tuple)) or len(raw) < 3:
        raise fields.fail("polygon", "must be a list of at least 3 [lon, lat] points in WGS-84")
    ring = []
    for index, point in enumerate(raw):
        ok = (isinstance(point, (list, tuple)) and len(point) == 2
              and all(isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c) for c in point))
        if not ok or not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90):
            raise fields.fail("polygon", f"point {index} {point!r} is not [lon, lat] in WGS-84")
        ring.append((float(point[0]), float(point[1])))
    if not Polygon(ring).is_valid:
        raise fields.fail("polygon", "the ring crosses itself or has no area")
    return tuple(ring)


def _levels(fields: _Fields, base: Severity, params: Params) -> tuple[Level, ...]:
    raw = fields.mapping("levels")
    if raw and not isinstance(params, (ThresholdParams, RateParams)):
        raise fields.fail("levels", "only threshold, sustained and rate rules escalate by value")
    levels = []
    for name, at in raw.items():
        severity = _Fields({"levels": name}, fields.where).choice("levels", Severity)
        if severity_rank(severity) <= severity_rank(base):
            raise fields.fail("levels", f"{severity} is not graver than the rule's severity {base}")
        at = _Fields({"levels": at}, fields.where).number("levels")
        start = params.rate_per_min if isinstance(params, RateParams) else params.raise_at  # type: ignore[union-attr]
        below = isinstance(params, ThresholdParams) and params.direction is Direction.BELOW
        if (at > start) if below else (at < start):
            raise fields.fail("levels", f"{severity} at {at:g} must lie beyond the raise limit {start:g}")
        levels.append(Level(severity, float(at)))
    return tuple(levels)


def _policy(fields: _Fields, kind: RuleKind) -> CasePolicy:
    policy = _Fields(fields.mapping("case_policy"), f"{fields.where}: case_policy")
    extra = sorted(set(policy.data) - {"open_case", "min_severity", "min_duration_s", "auto_dispatch"})
    if extra:
        raise policy.fail(extra[0], "is not a case policy field (open_case, min_severity, min_duration_s, "
                                    "auto_dispatch)")
    return CasePolicy(open_case=policy.flag("open_case", True),
                      min_severity=policy.choice("min_severity", Severity, Severity.WARNING),
                      min_duration_s=policy.number("min_duration_s", 0.0, minimum=0.0),
                      # The nearest team to a fence a team crossed is that team: a person decides who goes.
                      auto_dispatch=policy.flag("auto_dispatch", kind is not RuleKind.GEOFENCE))


def rule_to_dict(rule: AlertRule) -> dict[str, Any]:
    """Return the plain data of a rule, as parse_rule reads it back."""
    data: dict[str, Any] = {"id": rule.id, "name": rule.name, "kind": str(rule.kind),
                            "scope": {k: v for k, v in (("kind", rule.scope.kind), ("subject", rule.scope.subject))
                                      if v is not None},
                            "enabled": rule.enabled, "severity": str(rule.severity),
                            "levels": {str(level.severity): level.at for level in rule.levels},
                            "clear_delay_s": rule.clear_delay_s, "purpose": str(rule.purpose),
                            "case_policy": {"open_case": rule.policy.open_case,
                                            "min_severity": str(rule.policy.min_severity),
                                            "min_duration_s": rule.policy.min_duration_s,
                                            "auto_dispatch": rule.policy.auto_dispatch}}
    if rule.metric is not None:
        data["metric"] = rule.metric
    params = rule.params
    if isinstance(params, ThresholdParams):
        data.update(direction=str(params.direction), raise_at=params.raise_at, clear_at=params.clear_at)
        if rule.kind is RuleKind.SUSTAINED:
            data["for_s"] = params.for_s
    elif isinstance(params, RateParams):
        data.update(rate_per_min=params.rate_per_min, clear_rate_per_min=params.clear_rate_per_min,
                    max_gap_s=params.max_gap_s)
    elif isinstance(params, SilenceParams):
        data.update(intervals=params.intervals, interval_s=params.interval_s)
    elif isinstance(params, RangeParams):
        data.update(min=params.min, max=params.max)
    else:
        data.update(polygon=[list(p) for p in params.polygon], trigger=str(params.trigger))
    return data


def parse_rules(data: Any, *, where: str) -> list[AlertRule]:
    """Return the rules of a document ({"rules": [...]}), refusing duplicate ids."""
    items = data.get("rules") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        raise AlertRuleError(f"{where}: expected a mapping with a list 'rules'")
    rules, seen = [], set()
    for index, item in enumerate(items):
        rule = parse_rule(item, where=f"{where}: rules[{index}]")
        if rule.id in seen:
            raise AlertRuleError(f"{where}: rules[{index}]: rule {rule.id!r}: field 'id': used twice")
        seen.add(rule.id)
        rules.append(rule)
    return rules


def load_rules_file(path: Path) -> list[AlertRule]:
    """Return the rules of a YAML file; errors name the file, the rule and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AlertRuleError(f"{path}: cannot read rules: {exc}") from None
    return parse_rules(data, where=str(path))


def default_rules() -> list[AlertRule]:
    """Return the rules shipped with gridwatch (alerts/default_rules.yaml)."""
    text = resources.files("alerts").joinpath(DEFAULT_RULES_FILE).read_text(encoding="utf-8")
    return parse_rules(yaml.safe_load(text), where=f"alerts/{DEFAULT_RULES_FILE}")
