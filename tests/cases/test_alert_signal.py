"""The seam between the rules engine and the alert lifecycle: a signal raises, folds and clears one alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alerts.models import AlertStatus, Severity
from alerts.signals import AlertSignal, SignalKind
from cases.locator import Locator
from cases.use_cases import handle_alert_signal
from gridwatch.towns import load_town
from storage import Store
from town.generate import generate_town

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _signal(kind: SignalKind, device, value: float, at: datetime) -> AlertSignal:  # type: ignore[no-untyped-def]
    return AlertSignal(kind=kind, rule_id="noise-high", subject_id=device.id, subject_kind=str(device.kind),
                       subject_name=device.name, metric="db", value=value, limit=75.0, severity=Severity.WARNING,
                       at=at, lon=device.lon, lat=device.lat)


def test_raise_folds_and_clears_one_alert_with_one_case(store: Store) -> None:
    town = generate_town(7)
    load_town(store, town)
    device = next(d for d in town.devices if d.kind == "noise")
    locator = Locator()
    with store.unit_of_work() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        first = handle_alert_signal(uow, locator=locator, signal=_signal(SignalKind.RAISE, device, 90, NOW), at=NOW)
        again = handle_alert_signal(uow, locator=locator, signal=_signal(SignalKind.UPDATE, device, 95, NOW), at=NOW)
        cleared = handle_alert_signal(uow, locator=locator, at=NOW + timedelta(minutes=1),
                                      signal=_signal(SignalKind.CLEAR, device, 60, NOW + timedelta(minutes=1)))
        nothing = handle_alert_signal(uow, locator=locator, at=NOW + timedelta(minutes=2),
                                      signal=_signal(SignalKind.CLEAR, device, 60, NOW + timedelta(minutes=2)))
        assert uow.cases.count() == 1
    assert first is not None and first.is_new and first.case is not None
    assert again is not None and not again.is_new and again.alert.occurrences == 2 and again.alert.value == 95
    assert cleared is not None and cleared.alert.status is AlertStatus.CLEARED
    assert nothing is None
