"""Factories of rules, devices and readings for the rules engine's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from alerts.rule_engine import Evaluation, RuleEngine
from alerts.rule_model import AlertRule
from alerts.rule_parse import parse_rule
from alerts.signals import SignalKind
from iot.models import Device, Reading, SensorKind, TeamPosition

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
NOISE = Device(id="N-1", kind=SensorKind.NOISE, name="Noise at the market", lon=120.1, lat=30.2)


def rule(**fields: Any) -> AlertRule:
    """Return a noise rule on metric db with these fields over the defaults."""
    data: dict[str, Any] = {"id": "noise-high", "kind": "threshold", "scope": {"kind": "noise"}, "metric": "db",
                            "raise_at": 75, "clear_at": 70}
    data.update(fields)
    return parse_rule({k: v for k, v in data.items() if v is not None}, where="test")


def at(seconds: float) -> datetime:
    """Return T0 plus seconds."""
    return T0 + timedelta(seconds=seconds)


def reading(seconds: float, value: float, device: Device = NOISE, metric: str = "db", lon: float | None = None,
            lat: float | None = None) -> Reading:
    """Return one reading of one metric at T0 + seconds."""
    return Reading(device_id=device.id, ts=at(seconds), values={metric: value},
                   lon=device.lon if lon is None else lon, lat=device.lat if lat is None else lat)


def position(seconds: float, team: str, lon: float, lat: float) -> TeamPosition:
    """Return a team's position at T0 + seconds."""
    return TeamPosition(team_id=team, ts=at(seconds), lon=lon, lat=lat)


class Runner:
    """Feed an engine one observation at a time, committing each evaluation as a successful transaction would."""

    def __init__(self, *rules: AlertRule, devices: tuple[Device, ...] = (NOISE,)) -> None:
        self.engine = RuleEngine(rules)
        self.devices = {d.id: d for d in devices}
        self.signals: list[tuple[float, SignalKind]] = []

    def _take(self, evaluation: Evaluation, seconds: float) -> list[SignalKind]:
        self.engine.commit(evaluation)
        kinds = [s.kind for s in evaluation.signals]
        self.signals.extend((seconds, k) for k in kinds)
        return kinds

    def value(self, seconds: float, value: float, *, now: float | None = None, **kw: Any) -> list[SignalKind]:
        """Evaluate one reading at T0 + seconds (now defaults to the reading's time)."""
        evaluation = self.engine.evaluate([reading(seconds, value, **kw)], self.devices,
                                          at(seconds if now is None else now))
        return self._take(evaluation, seconds)

    def clock(self, seconds: float, last_seen: dict[str, datetime]) -> list[SignalKind]:
        """Evaluate the clock at T0 + seconds."""
        return self._take(self.engine.evaluate_clock(at(seconds), last_seen=last_seen,
                                                     devices=self.devices.values()), seconds)

    def positions(self, seconds: float, *found: TeamPosition) -> list[SignalKind]:
        """Evaluate team positions."""
        return self._take(self.engine.evaluate_positions(list(found), at(seconds)), seconds)
