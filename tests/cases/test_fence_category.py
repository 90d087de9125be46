"""Geofence alerts file as safety hazards for governance and wait for a person unless a rule says otherwise."""

from __future__ import annotations

from alerts.rule_engine import RuleEngine
from alerts.rule_parse import parse_rule
from cases.alarm_policy import category_for, may_dispatch
from cases.models import Platform
from iot.models import Device, SensorKind
from tests.alerts.rule_factories import at, reading

SQUARE = [[120.0, 30.0], [120.01, 30.0], [120.01, 30.01], [120.0, 30.01]]


def _fence(**fields: object) -> dict[str, object]:
    return {"id": "bank", "kind": "geofence", "scope": {"kind": "noise"}, "polygon": SQUARE, **fields}


def test_a_geofence_rule_waits_for_the_command_room_unless_it_says_dispatch() -> None:
    assert parse_rule(_fence(), where="t").policy.auto_dispatch is False
    assert parse_rule(_fence(case_policy={"auto_dispatch": True}), where="t").policy.auto_dispatch is True
    assert parse_rule({"id": "hot", "kind": "threshold", "scope": {"kind": "noise"}, "metric": "db",
                       "raise_at": 75}, where="t").policy.auto_dispatch is True


def test_a_mobile_device_inside_a_fence_is_a_governance_safety_hazard_not_its_kinds_matter() -> None:
    rover = Device(id="R-1", kind=SensorKind.NOISE, name="rover", lon=120.005, lat=30.005, mobile=True)
    engine = RuleEngine([parse_rule(_fence(case_policy={"auto_dispatch": True}), where="t")])
    [signal] = engine.evaluate([reading(0, 50, device=rover)], {rover.id: rover}, at(0)).signals
    category = category_for(signal)
    assert (category.code, category.platform) == ("safety_hazard", Platform.GOVERNANCE)
    assert may_dispatch(signal)  # a device is not a team: the nearest team may go when the rule says so
