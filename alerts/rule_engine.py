"""The rules engine: readings, positions and the clock in, AlertSignals and changed rule states out.

Evaluating never changes the engine: the caller stores the evaluation's changed states in the same unit of
work as its signals, and calls commit() only once that transaction committed, so a rollback leaves the engine
where the store is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import shapely
from shapely import Polygon

from alerts.models import Severity
from alerts.rule_model import (STREAM_KINDS, TEAM_KIND, AlertRule, Direction, GeofenceParams, RangeParams, RateParams,
                               RuleKind, SilenceParams, ThresholdParams, Trigger)
from alerts.rule_state import RuleState, StateKey, Step, due_clear, step
from alerts.signals import FENCE_METRIC, AlertPurpose, AlertSignal, SignalKind
from iot.kinds import Catalogue, default_catalogue
from iot.models import Device, Reading, TeamPosition

# A rate needs the subject's previous value; kept in memory only (a restart costs one reading's rate).
Previous = tuple[float, datetime]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Signals to hand to the alert lifecycle and the rule states to store with them (None: back to idle)."""

    signals: tuple[AlertSignal, ...] = ()
    changed: Mapping[StateKey, RuleState | None] = field(default_factory=dict)
    previous: Mapping[StateKey, Previous] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Plan:
    """The enabled rules that apply to one device, sorted by what they need, with its physical ranges resolved.

    device: the record the plan was made for (a plan is remade when the registry changes the device).
    bounds: per range rule id, its bounds with what the rule leaves out taken from the device (Catalogue.metrics_of).

    quiet: per metric, the interval of values in which no rule of an idle subject can move (at or inside every
    raise limit and the physical range); a reading all of whose values lie there costs no more than that test.
    remembers: a rule needs every reading even when idle (a rate keeps the previous value).
    """

    device: Device
    values: tuple[AlertRule, ...]
    fences: tuple[tuple[AlertRule, Polygon], ...]
    bounds: Mapping[str, RangeParams]
    ranges: Mapping[str, RangeParams]
    quiet: tuple[tuple[str, float, float], ...]
    remembers: bool


class _Work:
    """One evaluation's view: the engine's states overlaid with what this evaluation changed."""

    def __init__(self, states: Mapping[StateKey, RuleState], previous: Mapping[StateKey, Previous]) -> None:
        self.states = states
        self.changed: dict[StateKey, RuleState | None] = {}
        self.touched: set[str] = set()  # subjects whose state this evaluation changed
        self.previous_base = previous
        self.previous: dict[StateKey, Previous] = {}
        self.signals: list[AlertSignal] = []

    def get(self, key: StateKey) -> RuleState | None:
        if key in self.changed:
            return self.changed[key]
        return self.states.get(key)

    def last(self, key: StateKey) -> Previous | None:
        found = self.previous.get(key)
        return found if found is not None else self.previous_base.get(key)

    def result(self) -> Evaluation:
        return Evaluation(tuple(self.signals), self.changed, self.previous)


class RuleEngine:
    """Evaluates the enabled rules against messages and the clock; holds each (rule, subject)'s committed state."""

    def __init__(self, rules: Iterable[AlertRule] = (), states: Mapping[StateKey, RuleState] | None = None, *,
                 revision: int = 0, states_revision: int = 0, catalogue: Catalogue | None = None) -> None:
        # The device catalogue is the one source of physical ranges and reporting intervals; rules only override.
        self.catalogue = catalogue or default_catalogue()
        self._states: dict[StateKey, RuleState] = {}
        self._busy: dict[str, int] = {}  # subject id → how many of its states are stored (not idle)
        self._clearing: set[StateKey] = set()  # states whose clear delay is running
        self._orphans: set[StateKey] = set()  # states of rules gone or disabled, to clear
        for key, state in (states or {}).items():
            self._set(key, state)
        self._previous: dict[StateKey, Previous] = {}
        self._fences: dict[str, Polygon] = {}
        self._states_revision = states_revision
        self.replace_rules(rules, revision=revision)

    @property
    def revision(self) -> int:
        """Return the store's rules revision these rules were loaded at."""
        return self._revision

    @property
    def rules(self) -> Mapping[str, AlertRule]:
        """Return every rule by id (enabled or not)."""
        return self._rules

    def states(self) -> Mapping[StateKey, RuleState]:
        """Return the committed states."""
        return dict(self._states)

    def replace_rules(self, rules: Iterable[AlertRule], *, revision: int) -> None:
        """Use these rules from the next evaluation on; states of rules gone or disabled are cleared then."""
        self._rules = {rule.id: rule for rule in rules}
        self._revision = revision
        self._plans: dict[str, _Plan] = {}
        self._fences = {rule.id: Polygon(rule.params.polygon) for rule in self._rules.values()
                        if isinstance(rule.params, GeofenceParams)}
        for polygon in self._fences.values():
            shapely.prepare(polygon)
        enabled = {rule.id for rule in self._rules.values() if rule.enabled}
        self._orphans = {key for key in self._states if key[0] not in enabled}
        self._previous = {key: value for key, value in self._previous.items() if key[0] in enabled}

    @property
    def states_revision(self) -> int:
        """Return the store's states revision the engine's states match."""
        return self._states_revision

    def replace_states(self, states: Mapping[StateKey, RuleState], *, revision: int) -> None:
        """Take the store's states as they are now (another process changed some)."""
        self._states, self._busy, self._clearing = {}, {}, set()
        for key, state in states.items():
            self._set(key, state)
        enabled = {rule.id for rule in self._rules.values() if rule.enabled}
        self._orphans = {key for key in self._states if key[0] not in enabled}
        self._states_revision = revision

    def commit(self, *evaluations: Evaluation) -> None:
        """Take on the states of one transaction's evaluations; call only after that transaction committed."""
        for evaluation in evaluations:
            for key, state in evaluation.changed.items():
                self._set(key, state)
            self._previous.update(evaluation.previous)
        if any(evaluation.changed for evaluation in evaluations):
            self._states_revision += 1  # the store moved its counter once for that transaction

    def _set(self, key: StateKey, state: RuleState | None) -> None:
        had = key in self._states
        if state is None:
            self._states.pop(key, None)
            self._orphans.discard(key)
            self._clearing.discard(key)
            if had:
                left = self._busy[key[1]] - 1
                if left:
                    self._busy[key[1]] = left
                else:
                    del self._busy[key[1]]
            return
        self._states[key] = state
        if not had:
            self._busy[key[1]] = self._busy.get(key[1], 0) + 1
        if state.active and state.clear_since is not None:
            self._clearing.add(key)
        else:
            self._clearing.discard(key)

    # -- messages -------------------------------------------------------------------------------------------

    def evaluate(self, readings: Sequence[Reading], devices: Mapping[str, Device], now: datetime) -> Evaluation:
        """Evaluate readings (in time order) against the stream rules, then clear what waited out its delay."""
        work = _Work(self._states, self._previous)
        ordered = readings if _in_order(readings) else sorted(readings, key=lambda r: r.ts)
        for reading in ordered:
            device = devices.get(reading.device_id)
            if device is None:
                continue
            plan = self._plan(device)
            if not plan.remembers and device.id not in self._busy and device.id not in work.touched:
                # The common case: an idle subject whose values lie where no rule can move.
                values = reading.values
                for metric, low, high in plan.quiet:
                    value = values.get(metric)
                    if value is not None and not low <= value <= high:
                        break
                else:
                    if not (plan.fences and device.mobile):
                        continue
            for rule in plan.values:
                value = reading.values.get(rule.metric)  # type: ignore[arg-type]
                if value is not None:
                    self._value(work, rule, plan, device, reading, value)
            if plan.fences and device.mobile:
                for rule, polygon in plan.fences:
                    inside = bool(shapely.contains_xy(polygon, reading.lon, reading.lat))
                    self._fence(work, rule, device.id, str(device.kind), device.name, inside, reading.lon,
                                reading.lat, reading.ts)
        self._sweep(work, now, stream=True)
        return work.result()

    def evaluate_positions(self, positions: Sequence[TeamPosition], now: datetime, *,
                           names: Mapping[str, str] | None = None) -> Evaluation:
        """Evaluate team positions against the geofence rules scoped to teams (one vectorised test per fence)."""
        work = _Work(self._states, self._previous)
        ordered = sorted(positions, key=lambda p: p.ts)
        if ordered:
            lon = [p.lon for p in ordered]
            lat = [p.lat for p in ordered]
            for rule in self._rules.values():
                if not rule.enabled or rule.kind is not RuleKind.GEOFENCE:
                    continue
                covered = [i for i, p in enumerate(ordered) if rule.scope.covers(p.team_id, TEAM_KIND)]
                if not covered:
                    continue
                inside = shapely.contains_xy(self._fences[rule.id], [lon[i] for i in covered],
                                             [lat[i] for i in covered])
                for i, flag in zip(covered, inside, strict=True):
                    p = ordered[i]
                    name = (names or {}).get(p.team_id, p.team_id)
                    self._fence(work, rule, p.team_id, TEAM_KIND, name, bool(flag), p.lon, p.lat, p.ts)
        self._sweep(work, now, stream=True)
        return work.result()

    # -- the clock ------------------------------------------------------------------------------------------

    def evaluate_clock(self, now: datetime, *, last_seen: Mapping[str, datetime],
                       devices: Iterable[Device]) -> Evaluation:
        """Raise or clear silence for every device in a silence rule's scope; last_seen: newest reading per device.

        A device with no reading at all is not judged (nothing says when it should have begun).
        """
        work = _Work(self._states, self._previous)
        silence = [r for r in self._rules.values() if r.enabled and r.kind is RuleKind.SILENCE]
        for device in devices if silence else ():
            seen = last_seen.get(device.id)
            if seen is None:
                continue
            for rule in silence:
                if not rule.scope.covers(device.id, str(device.kind)):
                    continue
                params: SilenceParams = rule.params  # type: ignore[assignment]
                interval = self._interval(device, params)
                limit = params.intervals * float(interval)
                silent_s = (now - seen).total_seconds()
                key = (rule.id, device.id)
                raised = _raised(rule, device.id, str(device.kind), device.name, "silent_s", limit, rule.severity,
                                 device.lon, device.lat)
                result = step(work.get(key), past_raise=silent_s > limit, past_clear=silent_s <= limit, at=now,
                              for_s=0.0, clear_delay_s=rule.clear_delay_s, raised=raised)
                self._apply(work, key, rule, result, value=silent_s, at=now,
                            detail=f"no reading for {silent_s:.0f} s (expected every {float(interval):g} s)")
        self._sweep(work, now, stream=False)
        return work.result()

    # -- one rule, one observation ---------------------------------------------------------------------------

    def _value(self, work: _Work, rule: AlertRule, plan: _Plan, device: Device, reading: Reading,
               value: float) -> None:
        params = rule.params
        key = (rule.id, device.id)
        if isinstance(params, RangeParams):
            params = plan.bounds[rule.id]
            outside = params.outside(value)
            if not outside and work.get(key) is None:
                return
            limit = params.max if params.max is not None and value > params.max else params.min
            raised = _raised(rule, device.id, str(device.kind), device.name, rule.metric, limit or 0.0,
                             rule.severity, reading.lon, reading.lat)
            self._apply(work, key, rule, step(work.get(key), past_raise=outside, past_clear=not outside,
                                              at=reading.ts, for_s=0.0, clear_delay_s=rule.clear_delay_s,
                                              raised=raised),
                        value=value, at=reading.ts, detail=f"{rule.metric}={value:g} outside its physical range")
            return
        physical = plan.ranges.get(rule.metric)  # type: ignore[arg-type]
        if physical is not None and physical.outside(value):
            # A value no sensor can measure is a fault (the range rule's), never evidence of an incident.
            return
        if isinstance(params, ThresholdParams):
            past_raise = params.past_raise(value)
            state = work.get(key)
            if state is None and not past_raise:
                return  # the common case: an idle rule and a normal value
            below = params.direction is Direction.BELOW
            raised = _raised(rule, device.id, str(device.kind), device.name, rule.metric, params.raise_at,
                             rule.severity_at(value, below=below), reading.lon, reading.lat)
            result = step(state, past_raise=past_raise, past_clear=params.past_clear(value), at=reading.ts,
                          for_s=params.for_s, clear_delay_s=rule.clear_delay_s, raised=raised)
            self._apply(work, key, rule, result, value=value, at=reading.ts)
        elif isinstance(params, RateParams):
            self._rate(work, rule, params, device, reading, value)

    def _rate(self, work: _Work, rule: AlertRule, params: RateParams, device: Device, reading: Reading,
              value: float) -> None:
        key = (rule.id, device.id)
        before = work.last(key)
        if before is not None and reading.ts <= before[1]:
            return  # a late reading says nothing about the rate now
        work.previous[key] = (value, reading.ts)
        if before is None:
            return
        gap_s = (reading.ts - before[1]).total_seconds()
        if gap_s > params.max_gap_s:
            return
        rate = abs(value - before[0]) / gap_s * 60.0
        state = work.get(key)
        if state is None and rate <= params.rate_per_min:
            return
        raised = _raised(rule, device.id, str(device.kind), device.name, f"{rule.metric}_per_min",
                         params.rate_per_min, rule.severity_at(rate), reading.lon, reading.lat)
        result = step(state, past_raise=rate > params.rate_per_min, past_clear=rate <= params.clear_rate_per_min,
                      at=reading.ts, for_s=0.0, clear_delay_s=rule.clear_delay_s, raised=raised)
        self._apply(work, key, rule, result, value=rate, at=reading.ts,
                    detail=f"{rule.metric} changed {value - before[0]:+g} in {gap_s:g} s")

    def _fence(self, work: _Work, rule: AlertRule, subject_id: str, subject_kind: str, name: str, inside: bool,
               lon: float, lat: float, at: datetime) -> None:
        key = (rule.id, subject_id)
        alarm = inside if rule.params.trigger is Trigger.ENTER else not inside  # type: ignore[union-attr]
        if not alarm and work.get(key) is None:
            return
        raised = _raised(rule, subject_id, subject_kind, name, FENCE_METRIC, 0.5, rule.severity, lon, lat)
        verb = "inside" if inside else "outside"
        self._apply(work, key, rule, step(work.get(key), past_raise=alarm, past_clear=not alarm, at=at, for_s=0.0,
                                          clear_delay_s=rule.clear_delay_s, raised=raised),
                    value=1.0 if inside else 0.0, at=at, lon=lon, lat=lat, detail=f"{subject_id} {verb} {rule.name}")

    def _apply(self, work: _Work, key: StateKey, rule: AlertRule | None, result: Step, *, value: float,
               at: datetime, lon: float | None = None, lat: float | None = None, detail: str = "") -> None:
        before = work.get(key)
        if result.state is not before:
            work.changed[key] = result.state
            work.touched.add(key[1])
        if result.signal is None:
            return
        kept = result.state if result.state is not None else before
        assert kept is not None  # a signal always comes from a raised state or the state it clears
        work.signals.append(AlertSignal(
            kind=result.signal, rule_id=key[0], subject_id=key[1], subject_kind=kept.subject_kind,
            subject_name=kept.subject_name, metric=kept.metric, value=value, limit=kept.limit,
            severity=kept.severity, at=at, lon=kept.lon if lon is None else lon, lat=kept.lat if lat is None else lat,
            purpose=rule.purpose if rule is not None else AlertPurpose.INCIDENT,
            **({"policy": rule.policy} if rule is not None else {}), detail=detail))

    def _sweep(self, work: _Work, now: datetime, *, stream: bool) -> None:
        """Clear what waited out its clear delay with no reading since, and what rules gone or disabled left."""
        for key in sorted(self._clearing | self._orphans):
            current = work.get(key)
            if current is None or not current.active:
                if key in self._orphans and current is not None:
                    work.changed[key] = None
                continue
            rule = self._rules.get(key[0])
            if rule is None or not rule.enabled:
                if key in self._orphans:
                    self._apply(work, key, rule, Step(None, SignalKind.CLEAR), value=0.0, at=now,
                                detail="rule removed or disabled")
                continue
            if (rule.kind in STREAM_KINDS) != stream:
                continue
            if due_clear(current, now=now, clear_delay_s=rule.clear_delay_s):
                self._apply(work, key, rule, Step(None, SignalKind.CLEAR), value=0.0, at=now,
                            detail="cleared after its clear delay")

    def _interval(self, device: Device, params: SilenceParams) -> float:
        """Return the device's expected reporting interval: its own, else the rule's, else its kind's."""
        if getattr(device, "interval_s", None) is None and params.interval_s is not None:
            return params.interval_s
        return float(self.catalogue.interval_of(device))

    def _plan(self, device: Device) -> _Plan:
        plan = self._plans.get(device.id)
        if plan is not None and plan.device is not device and plan.device == device:
            # A reloaded registry hands an equal record: keep the plan, and compare by identity from now on.
            plan = self._plans[device.id] = replace(plan, device=device)
        # Identity first: the pipeline hands the same record until the registry changes it.
        if plan is None or plan.device is not device:
            rules = [r for r in self._rules.values() if r.enabled and r.scope.covers(device.id, str(device.kind))]
            values = tuple(r for r in rules if r.kind in (RuleKind.THRESHOLD, RuleKind.SUSTAINED, RuleKind.RATE,
                                                            RuleKind.RANGE))
            physical = self.catalogue.metrics_of(device)
            bounds = {r.id: r.params.resolved(physical.get(r.metric))  # type: ignore[arg-type]
                      for r in values if isinstance(r.params, RangeParams)}
            plan = self._plans[device.id] = _Plan(
                device=device, values=values, bounds=bounds,
                fences=tuple((r, self._fences[r.id]) for r in rules if r.kind is RuleKind.GEOFENCE),
                ranges={r.metric: bounds[r.id] for r in values if r.id in bounds},  # type: ignore[misc]
                quiet=_quiet(values, bounds), remembers=any(r.kind is RuleKind.RATE for r in values))
        return plan


def _raised(rule: AlertRule, subject_id: str, subject_kind: str, name: str, metric: Any, limit: float,
            severity: Severity, lon: float, lat: float) -> RuleState:
    return RuleState(active=True, severity=severity, subject_kind=subject_kind, subject_name=name,
                     metric=str(metric), limit=float(limit), lon=lon, lat=lat)


def _quiet(rules: Sequence[AlertRule], ranges: Mapping[str, RangeParams]) -> tuple[tuple[str, float, float], ...]:
    """Return per metric the closed interval of values that moves no rule of an idle subject."""
    bounds: dict[str, tuple[float, float]] = {}
    for rule in rules:
        low, high = bounds.get(rule.metric, (-math.inf, math.inf))  # type: ignore[arg-type]
        params = rule.params
        if isinstance(params, ThresholdParams):
            if params.direction is Direction.ABOVE:
                high = min(high, params.raise_at)
            else:
                low = max(low, params.raise_at)
        elif isinstance(params, RangeParams):
            params = ranges[rule.id]
            low = low if params.min is None else max(low, params.min)
            high = high if params.max is None else min(high, params.max)
        bounds[rule.metric] = (low, high)  # type: ignore[index]
    return tuple((metric, low, high) for metric, (low, high) in bounds.items())


def _in_order(readings: Sequence[Reading]) -> bool:
    return all(a.ts <= b.ts for a, b in zip(readings, readings[1:]))
