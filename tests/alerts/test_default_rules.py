"""The shipped rules keep the ingest's old limits, add hysteresis, and a bad rules file says file, rule and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from alerts.errors import AlertRuleError
from alerts.models import Severity
from alerts.rule_engine import RuleEngine
from alerts.rule_model import RuleKind, ThresholdParams
from alerts.rule_parse import default_rules, load_rules_file, parse_rule, rule_to_dict
from alerts.rules import exceedances
from iot.models import DEFAULT_THRESHOLDS, Device, Reading, SensorKind
from tests.alerts.rule_factories import T0

CASES = [(kind, t, value) for kind, thresholds in DEFAULT_THRESHOLDS.items() for t in thresholds
         for value in (t.limit, t.limit + 0.01, t.limit * 1.5 - 0.01, t.limit * 1.5)]


@pytest.mark.parametrize(("kind", "threshold", "value"), CASES,
                         ids=[f"{k}-{t.metric}-{v:g}" for k, t, v in CASES])
def test_default_rules_raise_what_the_old_threshold_table_raised(kind: SensorKind, threshold, value: float) -> None:  # type: ignore[no-untyped-def]
    device = Device(id="D-1", kind=kind, name="d", lon=120.0, lat=30.0)
    reading = Reading(device_id=device.id, ts=T0, values={threshold.metric: value}, lon=120.0, lat=30.0)
    evaluation = RuleEngine(default_rules()).evaluate([reading], {device.id: device}, T0)
    old = [e.severity for e in exceedances(reading, kind)]
    assert [s.severity for s in evaluation.signals] == old


def test_every_default_threshold_has_a_hysteresis_band_a_range_and_every_kind_a_silence_rule() -> None:
    rules = default_rules()
    thresholds = [r for r in rules if r.kind is RuleKind.THRESHOLD]
    assert all(isinstance(r.params, ThresholdParams) and r.params.clear_at < r.params.raise_at for r in thresholds)
    assert all(r.clear_delay_s > 0 for r in thresholds)
    assert {(r.scope.kind, r.metric) for r in rules if r.kind is RuleKind.RANGE} == {
        (r.scope.kind, r.metric) for r in thresholds}
    assert {r.scope.kind for r in rules if r.kind is RuleKind.SILENCE} == {str(k) for k in SensorKind}
    assert all(parse_rule(rule_to_dict(r), where="round trip") == r for r in rules)
    assert {r.severity_at(1e9) for r in thresholds} == {Severity.CRITICAL}


@pytest.mark.parametrize(("text", "message"), [
    ("rules:\n  - {id: a, kind: threshold, scope: {kind: noise}, metric: db, raise_at: 75, clear_at: 80}\n",
     "rules[0]: rule 'a': field 'clear_at': 80 must be at or below raise_at 75"),
    ("rules:\n  - {id: a, kind: nonsense}\n", "rule 'a': field 'kind': 'nonsense' is not one of"),
    ("rules:\n  - {id: a, kind: silence, scope: {kind: noise}, interval_s: 0}\n",
     "rule 'a': field 'interval_s': must be above 0"),
    ("rules:\n  - {id: a, kind: range, scope: {kind: noise}, metric: db, min: 5, max: 1}\n",
     "rule 'a': field 'max': 1 must be above min 5"),
    ("rules:\n  - {id: a, kind: geofence, scope: {kind: team}, polygon: [[0, 0], [1, 1], [0, 1], [1, 0]]}\n",
     "rule 'a': field 'polygon': the ring crosses itself"),
    ("rules:\n  - {id: a, kind: range, scope: {kind: noise}, metric: db, max: 9}\n"
     "  - {id: a, kind: range, scope: {kind: noise}, metric: db, max: 9}\n", "rules[1]: rule 'a': field 'id': used twice"),
    ("rules: [\n", "cannot read rules"),
])
def test_a_bad_rules_file_names_the_file_the_rule_and_the_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AlertRuleError) as caught:
        load_rules_file(path)
    assert str(caught.value).startswith(str(path)) and message in str(caught.value)
