"""Every backend stores alert rules (with a revision) and rule states, and knows each device's newest reading."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from alerts.models import Severity
from alerts.rule_parse import default_rules
from alerts.rule_service import ensure_default_rules
from alerts.rule_state import RuleState
from iot.models import Device, Reading, SensorKind
from storage import Store
from tests.alerts.rule_factories import rule

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_rules_round_trip_and_every_change_moves_the_revision(store: Store) -> None:
    first = rule(levels={"critical": 112.5}, clear_delay_s=30)
    with store.unit_of_work() as uow:
        assert uow.alert_rules.revision() == 0
        assert uow.alert_rules.add(first, at=NOW) is True
        assert uow.alert_rules.add(first, at=NOW) is False
    with store.unit_of_work() as uow:
        after_add = uow.alert_rules.revision()
        assert uow.alert_rules.get(first.id) == first and uow.alert_rules.all() == [first]
        assert uow.alert_rules.replace(replace(first, name="louder"), at=NOW) is True
        assert uow.alert_rules.replace(rule(id="nothing-here"), at=NOW) is False
    with store.unit_of_work() as uow:
        after_replace = uow.alert_rules.revision()
        assert uow.alert_rules.get(first.id).name == "louder"  # type: ignore[union-attr]
        assert uow.alert_rules.delete(first.id) is True and uow.alert_rules.delete(first.id) is False
    with store.unit_of_work() as uow:
        assert 0 < after_add < after_replace < uow.alert_rules.revision()
        assert uow.alert_rules.all() == []


def test_defaults_are_seeded_once_and_never_again_after_an_operator_deleted_them(store: Store) -> None:
    with store.unit_of_work() as uow:
        assert ensure_default_rules(rules=uow.alert_rules, at=NOW) == len(default_rules())
        assert ensure_default_rules(rules=uow.alert_rules, at=NOW) == 0
        for found in uow.alert_rules.all():
            uow.alert_rules.delete(found.id)
    with store.unit_of_work() as uow:
        assert ensure_default_rules(rules=uow.alert_rules, at=NOW) == 0
        assert uow.alert_rules.all() == []


def test_states_are_saved_overwritten_and_removed_when_idle(store: Store) -> None:
    raised = RuleState(active=True, raised_at=NOW, severity=Severity.CRITICAL, subject_kind="noise",
                       subject_name="N", metric="db", limit=75.0, lon=120.1, lat=30.2)
    pending = RuleState(pending_since=NOW)
    with store.unit_of_work() as uow:
        uow.rule_states.save({("r1", "d1"): raised, ("r1", "d2"): pending}, at=NOW)
    with store.unit_of_work() as uow:
        assert uow.rule_states.all() == {("r1", "d1"): raised, ("r1", "d2"): pending}
        clearing = replace(raised, clear_since=NOW + timedelta(seconds=5))
        uow.rule_states.save({("r1", "d1"): clearing, ("r1", "d2"): None}, at=NOW)
    with store.unit_of_work() as uow:
        assert uow.rule_states.all() == {("r1", "d1"): clearing}


def test_last_reports_gives_each_device_its_newest_reading(store: Store) -> None:
    devices = [Device(id=f"D-{i}", kind=SensorKind.NOISE, name=f"d{i}", lon=120.0, lat=30.0) for i in range(3)]
    with store.unit_of_work() as uow:
        uow.devices.upsert_many(devices)
        uow.readings.add_many([Reading(device_id=d.id, ts=NOW + timedelta(seconds=s), values={"db": 50.0},
                                       lon=120.0, lat=30.0) for d in devices[:2] for s in (0, 30, 10)])
    with store.unit_of_work() as uow:
        assert uow.rule_states.last_reports() == {"D-0": NOW + timedelta(seconds=30),
                                                  "D-1": NOW + timedelta(seconds=30)}


def test_the_states_revision_moves_once_per_transaction_that_changed_states(store: Store) -> None:
    with store.unit_of_work() as uow:
        start = uow.rule_states.revision()
        uow.rule_states.save({("r1", "d1"): RuleState(pending_since=NOW)}, at=NOW)
        uow.rule_states.save({("r1", "d2"): RuleState(pending_since=NOW)}, at=NOW)
    with store.unit_of_work() as uow:
        assert uow.rule_states.revision() == start + 1
        uow.rule_states.save({}, at=NOW)
    with store.unit_of_work() as uow:
        assert uow.rule_states.revision() == start + 1
