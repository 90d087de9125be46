"""Each rule kind raises and clears where it says: hysteresis, duration, rate, range, silence, geofence, delay."""

from __future__ import annotations

from dataclasses import replace

import pytest

from alerts.models import Severity
from alerts.rule_engine import RuleEngine
from alerts.signals import AlertPurpose, SignalKind
from iot.models import Device, SensorKind
from tests.alerts.rule_factories import NOISE, Runner, at, position, reading, rule

RAISE, UPDATE, CLEAR = SignalKind.RAISE, SignalKind.UPDATE, SignalKind.CLEAR


@pytest.mark.parametrize(("value", "expected"), [(75.0, []), (75.01, [RAISE])])
def test_threshold_raises_only_strictly_past_its_raise_limit(value: float, expected: list[SignalKind]) -> None:
    assert Runner(rule()).value(0, value) == expected


def test_hysteresis_keeps_the_alert_in_the_band_and_clears_at_the_clear_limit() -> None:
    run = Runner(rule())
    assert run.value(0, 80) == [RAISE]
    assert run.value(1, 74) == []       # in the band: still raised, no new raise when it goes back up
    assert run.value(2, 76) == [UPDATE]
    assert run.value(3, 70.01) == []
    assert run.value(4, 70.0) == [CLEAR]  # the clear limit is inclusive
    assert run.value(5, 74) == []
    assert run.value(6, 75.5) == [RAISE]


def test_a_value_flapping_across_the_raise_limit_raises_once() -> None:
    run = Runner(rule(clear_delay_s=30))
    for second in range(600):
        run.value(second, 76 if second % 2 else 74)
    assert [k for _, k in run.signals if k is not UPDATE] == [RAISE]


def test_clear_waits_its_delay_and_a_return_into_the_band_restarts_it() -> None:
    run = Runner(rule(clear_delay_s=60))
    run.value(0, 80)
    assert run.value(10, 60) == []
    assert run.value(40, 72) == []      # back in the band: the clear that began is dropped
    assert run.value(50, 60) == []
    assert run.value(109, 60) == []
    assert run.value(110, 60) == [CLEAR]


def test_a_due_clear_fires_on_the_next_evaluation_even_without_a_reading_of_that_device() -> None:
    other = Device(id="N-2", kind=SensorKind.NOISE, name="other", lon=120.0, lat=30.0)
    run = Runner(rule(clear_delay_s=60), devices=(NOISE, other))
    run.value(0, 80)
    run.value(10, 60)
    evaluation = run.engine.evaluate([reading(100, 50, device=other)], run.devices, at(100))
    assert [(s.kind, s.subject_id) for s in evaluation.signals] == [(CLEAR, NOISE.id)]


def test_low_side_rule_raises_below_and_clears_above() -> None:
    run = Runner(rule(direction="below", raise_at=2, clear_at=4, metric="db"))
    assert run.value(0, 2) == []
    assert run.value(1, 1.9) == [RAISE]
    assert run.value(2, 3.9) == []
    assert run.value(3, 4) == [CLEAR]


def test_levels_escalate_the_severity_at_their_value() -> None:
    engine = RuleEngine([rule(levels={"critical": 112.5})])
    first = engine.evaluate([reading(0, 112.4)], {NOISE.id: NOISE}, at(0))
    engine.commit(first)
    second = engine.evaluate([reading(1, 112.5)], {NOISE.id: NOISE}, at(1))
    assert [s.severity for s in first.signals] == [Severity.WARNING]
    assert [s.severity for s in second.signals] == [Severity.CRITICAL]


def test_sustained_raises_only_after_holding_for_its_duration_and_a_dip_restarts_the_wait() -> None:
    run = Runner(rule(kind="sustained", for_s=60))
    assert run.value(0, 80) == []
    assert run.value(30, 80) == []
    assert run.value(40, 74) == []      # not past the raise limit: the wait starts over
    assert run.value(50, 80) == []
    assert run.value(109, 80) == []
    assert run.value(110, 80) == [RAISE]


def test_rate_of_change_raises_on_a_fast_rise_and_clears_when_it_calms() -> None:
    run = Runner(rule(id="noise-jump", kind="rate", rate_per_min=30, clear_rate_per_min=10, raise_at=None,
                      clear_at=None))
    assert run.value(0, 50) == []
    assert run.value(60, 79) == []      # 29 per minute
    assert run.value(120, 110) == [RAISE]  # 31 per minute
    assert run.value(180, 145) == [UPDATE]  # 35 per minute
    assert run.value(240, 160) == []    # 15 per minute: in the band
    assert run.value(300, 165) == [CLEAR]  # 5 per minute


def test_rate_skips_a_gap_longer_than_its_max_gap() -> None:
    run = Runner(rule(id="noise-jump", kind="rate", rate_per_min=1, max_gap_s=600, raise_at=None, clear_at=None))
    run.value(0, 50)
    assert run.value(601, 100) == []


def test_out_of_range_is_a_maintenance_fault_and_keeps_the_threshold_rule_quiet() -> None:
    physical = rule(id="noise-range", kind="range", min=20, max=140, raise_at=None, clear_at=None)
    engine = RuleEngine([rule(), physical])
    evaluation = engine.evaluate([reading(0, 999)], {NOISE.id: NOISE}, at(0))
    [signal] = evaluation.signals
    assert (signal.rule_id, signal.kind, signal.purpose, signal.limit) == ("noise-range", RAISE,
                                                                           AlertPurpose.MAINTENANCE, 140)
    engine.commit(evaluation)
    back = engine.evaluate([reading(1, 50)], {NOISE.id: NOISE}, at(1))
    assert [(s.rule_id, s.kind) for s in back.signals] == [("noise-range", CLEAR)]


def test_silence_raises_after_n_intervals_on_the_clock_and_clears_when_it_reports() -> None:
    silent = rule(id="noise-silent", kind="silence", interval_s=60, intervals=3, metric=None, raise_at=None,
                  clear_at=None)
    run = Runner(silent)
    assert run.clock(180, {NOISE.id: at(0)}) == []
    assert run.clock(181, {NOISE.id: at(0)}) == [RAISE]
    assert run.clock(240, {NOISE.id: at(0)}) == [UPDATE]
    assert run.clock(300, {NOISE.id: at(290)}) == [CLEAR]


def test_silence_uses_the_devices_own_interval_when_it_has_one() -> None:
    silent = rule(id="noise-silent", kind="silence", interval_s=60, intervals=3, metric=None, raise_at=None,
                  clear_at=None)

    class Slow:
        id, kind, name, lon, lat, mobile, interval_s = NOISE.id, NOISE.kind, NOISE.name, 1.0, 2.0, False, 600

    engine = RuleEngine([silent])
    evaluation = engine.evaluate_clock(at(1000), last_seen={NOISE.id: at(0)}, devices=[Slow()])  # type: ignore[list-item]
    assert evaluation.signals == ()


SQUARE = [[120.0, 30.0], [120.01, 30.0], [120.01, 30.01], [120.0, 30.01]]


@pytest.mark.parametrize(("trigger", "path", "expected"), [
    ("enter", [(119.99, 30.005), (120.005, 30.005), (120.02, 30.005)], [[], [RAISE], [CLEAR]]),
    ("exit", [(120.005, 30.005), (120.02, 30.005), (120.005, 30.005)], [[], [RAISE], [CLEAR]]),
])
def test_geofence_raises_on_entering_or_leaving_and_clears_on_the_way_back(trigger: str, path: list[tuple[float, float]],
                                                                        expected: list[list[SignalKind]]) -> None:
    fence = rule(id="river-bank", kind="geofence", scope={"kind": "team"}, polygon=SQUARE, trigger=trigger,
                 metric=None, raise_at=None, clear_at=None)
    run = Runner(fence)
    seen = [run.positions(i, position(i, "T-1", lon, lat)) for i, (lon, lat) in enumerate(path)]
    assert seen == expected


def test_geofence_on_a_mobile_device_follows_its_readings() -> None:
    fence = rule(id="river-bank", kind="geofence", scope={"subject": "N-1"}, polygon=SQUARE, metric=None,
                 raise_at=None, clear_at=None)
    run = Runner(fence, devices=(replace(NOISE, mobile=True),))
    assert run.value(0, 50, lon=120.005, lat=30.005) == [RAISE]
    assert run.value(1, 50, lon=120.5, lat=30.5) == [CLEAR]


def test_evaluation_does_not_move_the_engine_until_it_is_committed() -> None:
    engine = RuleEngine([rule()])
    first = engine.evaluate([reading(0, 80)], {NOISE.id: NOISE}, at(0))
    # The transaction that held `first` rolled back: the same reading evaluated again raises again.
    again = engine.evaluate([reading(0, 80)], {NOISE.id: NOISE}, at(0))
    assert [s.kind for s in first.signals] == [s.kind for s in again.signals] == [RAISE]
    assert engine.states() == {}


def test_a_disabled_or_removed_rule_clears_its_open_alerts() -> None:
    engine = RuleEngine([rule()])
    engine.commit(engine.evaluate([reading(0, 80)], {NOISE.id: NOISE}, at(0)))
    engine.replace_rules([rule(enabled=False)], revision=2)
    evaluation = engine.evaluate([], {}, at(5))
    assert [(s.kind, s.rule_id) for s in evaluation.signals] == [(CLEAR, "noise-high")]
    assert evaluation.changed == {("noise-high", NOISE.id): None}
