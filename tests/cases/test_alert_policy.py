"""Alerts to cases by policy: severity and duration open a case, dispatch or wait, maintenance, linking nearby."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.errors import AlertConflict
from alerts.models import AlertPurpose, AlertStatus, Severity
from alerts.signals import AlertSignal, CasePolicy, SignalKind
from cases import feed as payloads
from cases.alarm_policy import AlertLinking
from cases.lifecycle import Action
from cases.locator import Locator
from cases.models import CaseSource, CaseStatus, Platform
from cases.service import CaseCreate, StepInput
from cases.use_cases import (ALERT_LINKED_EVENT, AlarmOutcome, acknowledge_alert_and_announce, handle_alert_signal,
                             report_case_and_announce, take_step_and_announce)
from gis.geometry import offset_lon_lat
from storage import Store
from tests.factories import LAT, LON, at, make_grid, make_team

LINKING = AlertLinking(radius_m=150.0, window=timedelta(minutes=60))


def _signal(kind: SignalKind, value: float, minute: float, *, severity: Severity = Severity.WARNING,
            policy: CasePolicy = CasePolicy(), purpose: AlertPurpose = AlertPurpose.INCIDENT, subject: str = "ns-1",
            lon: float = LON, lat: float = LAT) -> AlertSignal:
    return AlertSignal(kind=kind, rule_id="noise-high", subject_id=subject, subject_kind="noise",
                       subject_name=f"Noise {subject}", metric="db", value=value, limit=75.0, severity=severity,
                       at=at(minute), lon=lon, lat=lat, purpose=purpose, policy=policy, owner="town")


@pytest.fixture
def locator(store: Store) -> Locator:
    """A town grid and one available enforcement team (noise goes to enforcement) beside the sensors."""
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("T01", size=0.05)])
        uow.teams.upsert_many([make_team("enf-1", platform=Platform.ENFORCEMENT), make_team("gov-1")])
        found = Locator()
        found.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
    return found


def _handle(store: Store, locator: Locator, signal: AlertSignal) -> AlarmOutcome | None:
    with store.unit_of_work() as uow:
        return handle_alert_signal(uow, locator=locator, signal=signal, at=signal.at, linking=LINKING)


def _kinds(store: Store) -> list[str]:
    with store.read_only() as uow:
        return [e.kind for e in uow.feed.since(0)]


def test_below_the_minimum_severity_no_case_opens_until_an_update_makes_it_critical(store: Store,
                                                                                    locator: Locator) -> None:
    policy = CasePolicy(min_severity=Severity.CRITICAL)
    first = _handle(store, locator, _signal(SignalKind.RAISE, 80, 0, policy=policy))
    second = _handle(store, locator, _signal(SignalKind.UPDATE, 120, 1, policy=policy, severity=Severity.CRITICAL))
    third = _handle(store, locator, _signal(SignalKind.UPDATE, 80, 2, policy=policy))
    assert first is not None and first.is_new and first.case is None
    assert second is not None and not second.is_new and second.case is not None and second.dispatched
    assert third is not None and third.case is None and third.alert.severity is Severity.CRITICAL
    with store.read_only() as uow:
        assert uow.cases.count() == 1 and uow.alerts.count() == 1


def test_an_alert_opens_its_case_only_once_it_has_lasted_the_minimum_duration(store: Store, locator: Locator) -> None:
    policy = CasePolicy(min_duration_s=300)
    outcomes = [_handle(store, locator, _signal(kind, 80, minute, policy=policy))
                for kind, minute in [(SignalKind.RAISE, 0), (SignalKind.UPDATE, 4.9), (SignalKind.UPDATE, 5),
                                     (SignalKind.UPDATE, 6)]]
    assert [o is not None and o.case is not None for o in outcomes] == [False, False, True, False]
    with store.read_only() as uow:
        [case] = uow.cases.list()
    assert case.created_at == at(5) and case.alert_id == outcomes[0].alert.id  # type: ignore[union-attr]


def test_without_auto_dispatch_the_case_waits_accepted_for_the_command_room(store: Store, locator: Locator) -> None:
    outcome = _handle(store, locator, _signal(SignalKind.RAISE, 90, 0, policy=CasePolicy(auto_dispatch=False)))
    assert outcome is not None and outcome.case is not None and not outcome.dispatched
    with store.read_only() as uow:
        case = uow.cases.get(outcome.case.case.id)  # type: ignore[arg-type]
        assert case is not None and case.status is CaseStatus.ACCEPTED and case.source is CaseSource.SENSOR
        assert uow.assignments.for_case(case.id) == []  # type: ignore[arg-type]
        assert uow.teams.get("enf-1").status == "available"  # type: ignore[union-attr]


def test_a_maintenance_alert_opens_a_case_for_the_owner_and_never_dispatches(store: Store, locator: Locator) -> None:
    signal = _signal(SignalKind.RAISE, 999, 0, purpose=AlertPurpose.MAINTENANCE, policy=CasePolicy(auto_dispatch=True))
    outcome = _handle(store, locator, signal)
    assert outcome is not None and outcome.case is not None and not outcome.dispatched
    case = outcome.case.case
    assert case.category == "device_fault" and case.status is CaseStatus.ACCEPTED
    assert "镇综治中心" in case.description and outcome.alert.purpose is AlertPurpose.MAINTENANCE
    with store.read_only() as uow:
        assert uow.assignments.for_case(case.id) == []  # type: ignore[arg-type]
        assert uow.teams.get("gov-1").status == "available"  # type: ignore[union-attr]


def test_a_policy_that_opens_no_case_keeps_the_alert_alone(store: Store, locator: Locator) -> None:
    outcome = _handle(store, locator, _signal(SignalKind.RAISE, 90, 0, policy=CasePolicy(open_case=False)))
    assert outcome is not None and outcome.case is None and outcome.alert.case_id is None
    assert _kinds(store) == [payloads.ALERT_RAISED]


def _citizen_case(store: Store, *, metres: float, minute: float, category: str = "noise_nuisance",
                  bearing: float = 90.0) -> int:
    lon, lat = offset_lon_lat(LON, LAT, bearing, metres)
    with store.unit_of_work() as uow:
        result = report_case_and_announce(uow, grid_path=("T01",), actor="user:citizen", at=at(minute),
                                          case_in=CaseCreate(title="太吵了", category=category, lon=lon, lat=lat,
                                                             source=CaseSource.CITIZEN))
    return result.case.id  # type: ignore[return-value]


def test_an_alert_near_an_open_case_of_its_category_joins_it_instead_of_opening_another(store: Store,
                                                                                        locator: Locator) -> None:
    case_id = _citizen_case(store, metres=120, minute=-50)
    outcome = _handle(store, locator, _signal(SignalKind.RAISE, 90, 0))
    assert outcome is not None and outcome.linked and not outcome.dispatched
    assert outcome.case is not None and outcome.case.case.id == case_id and outcome.alert.case_id == case_id
    with store.read_only() as uow:
        assert uow.cases.count() == 1
        event = uow.cases.events(case_id)[-1]
        assert event.action == ALERT_LINKED_EVENT and event.data["alert_id"] == outcome.alert.id
        assert event.data["distance_m"] == pytest.approx(120, abs=1)
        assert uow.cases.get(case_id).status is CaseStatus.REPORTED  # type: ignore[union-attr]
    assert _kinds(store)[-3:] == [payloads.ALERT_RAISED, payloads.CASE_UPDATED, payloads.ALERT_LINKED]


@pytest.mark.parametrize(("metres", "minute", "category"), [
    # North-east: inside the bbox prefilter's corner, outside the radius, so the exact distance must decide.
    pytest.param(160, -10, "noise_nuisance", id="beyond-the-radius"),
    pytest.param(50, -61, "noise_nuisance", id="before-the-window"),
    pytest.param(50, -10, "air_pollution", id="another-category"),
])
def test_an_alert_outside_the_radius_the_window_or_the_category_opens_its_own_case(
        store: Store, locator: Locator, metres: float, minute: float, category: str) -> None:
    case_id = _citizen_case(store, metres=metres, minute=minute, category=category, bearing=45.0)
    outcome = _handle(store, locator, _signal(SignalKind.RAISE, 90, 0))
    assert outcome is not None and not outcome.linked and outcome.case is not None
    assert outcome.case.case.id != case_id


def test_an_alert_does_not_join_a_closed_case(store: Store, locator: Locator) -> None:
    case_id = _citizen_case(store, metres=10, minute=-5)
    with store.unit_of_work() as uow:
        case = uow.cases.get(case_id)
        uow.cases.update(case.__class__(**{**{f: getattr(case, f) for f in case.__slots__},  # type: ignore[union-attr]
                                          "status": CaseStatus.CLOSED}))
    outcome = _handle(store, locator, _signal(SignalKind.RAISE, 90, 0))
    assert outcome is not None and not outcome.linked and outcome.case is not None


def test_a_clear_clears_the_alert_notes_its_case_and_the_next_raise_is_a_new_alert(store: Store,
                                                                                  locator: Locator) -> None:
    first = _handle(store, locator, _signal(SignalKind.RAISE, 90, 0, policy=CasePolicy(auto_dispatch=False)))
    cleared = _handle(store, locator, _signal(SignalKind.CLEAR, 60, 3))
    again = _handle(store, locator, _signal(SignalKind.RAISE, 91, 4, policy=CasePolicy(auto_dispatch=False)))
    assert first is not None and cleared is not None and again is not None
    assert cleared.alert.status is AlertStatus.CLEARED and cleared.alert.cleared_at == at(3)
    assert again.is_new and again.alert.id != first.alert.id
    # Its case is still open and right there: the new alert joins it rather than opening a second one.
    assert again.linked and again.alert.case_id == first.alert.case_id
    with store.read_only() as uow:
        events = uow.cases.events(first.alert.case_id)  # type: ignore[arg-type]
    assert [e.action for e in events] == ["report", "accept", "alert_cleared", "alert_linked"]
    assert payloads.ALERT_CLEARED in _kinds(store)


def test_acknowledging_notes_the_case_and_a_second_acknowledgement_is_refused(store: Store, locator: Locator) -> None:
    outcome = _handle(store, locator, _signal(SignalKind.RAISE, 90, 0, policy=CasePolicy(auto_dispatch=False)))
    assert outcome is not None
    with store.unit_of_work() as uow:
        acked = acknowledge_alert_and_announce(uow, alert_id=outcome.alert.id, note="已电话联系", actor="user:op",  # type: ignore[arg-type]
                                               at=at(1))
    assert (acked.status, acked.acknowledged_by, acked.ack_note) == (AlertStatus.ACKNOWLEDGED, "user:op", "已电话联系")
    with pytest.raises(AlertConflict, match="already acknowledged"):
        with store.unit_of_work() as uow:
            acknowledge_alert_and_announce(uow, alert_id=outcome.alert.id, note="", actor="user:op2", at=at(2))  # type: ignore[arg-type]
    with store.read_only() as uow:
        event = uow.cases.events(outcome.alert.case_id)[-1]  # type: ignore[arg-type]
    assert (event.action, event.actor, event.note) == ("alert_acknowledged", "user:op", "已电话联系")
    assert payloads.ALERT_ACKNOWLEDGED in _kinds(store)


def test_closing_a_case_clears_its_own_and_its_linked_alerts(store: Store, locator: Locator) -> None:
    case_id = _citizen_case(store, metres=20, minute=-5)
    linked = _handle(store, locator, _signal(SignalKind.RAISE, 90, 0))
    other = _handle(store, locator, _signal(SignalKind.RAISE, 95, 0, subject="ns-2"))
    assert linked is not None and other is not None and linked.linked and other.linked
    with store.unit_of_work() as uow:
        uow.cases.update(uow.cases.get(case_id).__class__(  # type: ignore[union-attr]
            **{**{f: getattr(uow.cases.get(case_id), f) for f in uow.cases.get(case_id).__slots__},  # type: ignore[union-attr]
               "status": CaseStatus.VERIFIED}))
    with store.unit_of_work() as uow:
        result = take_step_and_announce(uow, locator=locator, case_id=case_id, step_in=StepInput(Action.CLOSE),
                                        actor="user:op", at=at(30))
    assert {a.id for a in result.cleared_alerts} == {linked.alert.id, other.alert.id}
    with store.read_only() as uow:
        assert uow.alerts.count(status=AlertStatus.CLEARED) == 2
