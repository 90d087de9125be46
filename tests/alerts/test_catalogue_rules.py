"""Range and silence rules take each device's ranges and interval from the device catalogue, the one source of truth."""

from __future__ import annotations

from dataclasses import replace

import pytest

from alerts.rule_engine import RuleEngine
from alerts.rule_model import RangeParams, RuleKind, SilenceParams
from alerts.rule_parse import default_rules
from alerts.signals import SignalKind
from iot.kinds import default_catalogue
from iot.models import Device, MetricRange, Reading, SensorKind
from tests.alerts.rule_factories import NOISE, at, rule

CATALOGUE = default_catalogue()
METRICS = [(kind, metric, spec) for kind, kind_spec in CATALOGUE.kinds.items()
           for metric, spec in kind_spec.metrics.items()]


def _range_signals(engine: RuleEngine, device: Device, metric: str, value: float) -> list[str]:
    evaluation = engine.evaluate([Reading(device_id=device.id, ts=at(0), values={metric: value}, lon=120.0, lat=30.0)],
                                 {device.id: device}, at(0))
    return [s.rule_id for s in evaluation.signals if s.kind is SignalKind.RAISE and s.rule_id.endswith("-range")]


@pytest.mark.parametrize(("kind", "metric", "spec"), METRICS, ids=[f"{k}-{m}" for k, m, _ in METRICS])
def test_default_range_rules_raise_exactly_outside_the_catalogue_range(kind: SensorKind, metric: str,
                                                                       spec: MetricRange) -> None:
    device = Device(id="D-1", kind=kind, name="d", lon=120.0, lat=30.0)
    margin = max(0.01, (spec.max - spec.min) * 1e-6)
    assert _range_signals(RuleEngine(default_rules()), device, metric, spec.max) == []
    assert _range_signals(RuleEngine(default_rules()), device, metric, spec.min) == []
    assert len(_range_signals(RuleEngine(default_rules()), device, metric, spec.max + margin)) == 1
    assert len(_range_signals(RuleEngine(default_rules()), device, metric, spec.min - margin)) == 1


def test_default_range_and_silence_rules_carry_no_numbers_of_their_own() -> None:
    rules = default_rules()
    ranges = [r for r in rules if r.kind is RuleKind.RANGE]
    assert {(r.scope.kind, r.metric) for r in ranges} == {(str(k), m) for k, m, _ in METRICS}
    assert all(r.params == RangeParams(None, None) for r in ranges)
    silences = [r for r in rules if r.kind is RuleKind.SILENCE]
    assert all(isinstance(r.params, SilenceParams) and r.params.interval_s is None for r in silences)


def test_a_devices_own_range_overrides_its_kinds_and_a_rules_bounds_override_both() -> None:
    fridge = Device(id="F-1", kind=SensorKind.COLD_CHAIN, name="fridge", lon=120.0, lat=30.0)
    narrow = replace(fridge, metrics={"temp_c": MetricRange(unit="°C", min=-30, max=30)})
    engine = RuleEngine(default_rules())
    assert _range_signals(engine, fridge, "temp_c", 31) == []
    assert _range_signals(engine, narrow, "temp_c", 31) == ["cold-chain-temp-c-range"]  # the plan follows the record
    explicit = rule(id="cold-range", kind="range", scope={"kind": "cold_chain"}, metric="temp_c", max=50,
                    raise_at=None, clear_at=None)
    assert _range_signals(RuleEngine([explicit]), narrow, "temp_c", 31) == []
    assert _range_signals(RuleEngine([explicit]), narrow, "temp_c", 51) == ["cold-range"]
    assert _range_signals(RuleEngine([explicit]), narrow, "temp_c", -31) == ["cold-range"]  # min still the device's


def _silence(device: Device, silent_s: float) -> list[SignalKind]:
    engine = RuleEngine(default_rules())
    evaluation = engine.evaluate_clock(at(silent_s), last_seen={device.id: at(0)}, devices=[device])
    return [s.kind for s in evaluation.signals]


def test_silence_waits_the_kinds_interval_or_the_devices_own() -> None:
    [noise_silent] = [r for r in default_rules() if r.id == "noise-silent"]
    limit = noise_silent.params.intervals * CATALOGUE.interval_of(NOISE)  # type: ignore[union-attr]
    assert CATALOGUE.interval_of(NOISE) == CATALOGUE.spec(SensorKind.NOISE).interval_s
    assert _silence(NOISE, limit) == []
    assert _silence(NOISE, limit + 1) == [SignalKind.RAISE]
    slow = replace(NOISE, interval_s=CATALOGUE.interval_of(NOISE) * 10)
    assert _silence(slow, limit + 1) == []
    assert _silence(slow, limit * 10 + 1) == [SignalKind.RAISE]


def test_a_silence_rules_interval_fills_in_only_where_the_device_has_none() -> None:
    silent = rule(id="noise-silent", kind="silence", interval_s=10, intervals=3, metric=None, raise_at=None,
                  clear_at=None)
    evaluation = RuleEngine([silent]).evaluate_clock(at(31), last_seen={NOISE.id: at(0)}, devices=[NOISE])
    assert [s.kind for s in evaluation.signals] == [SignalKind.RAISE]
    slow = replace(NOISE, interval_s=60)
    evaluation = RuleEngine([silent]).evaluate_clock(at(31), last_seen={NOISE.id: at(0)}, devices=[slow])
    assert evaluation.signals == ()
