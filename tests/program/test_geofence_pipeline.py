"""A team entering a restricted area through the real ingest: a safety-hazard case for governance, nobody sent."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from alerts.rule_parse import parse_rule
from cases.locator import Locator
from cases.models import Platform, Team
from gridwatch.pipeline import Pipeline
from gridwatch.towns import load_town
from iot.mqtt import InboundMessage
from storage import Store
from town.generate import generate_town

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
_town = functools.cache(generate_town)
HALF = 0.002  # degrees: a fence about 400 m across


def _position(team_id: str, at: datetime, lon: float, lat: float) -> InboundMessage:
    payload = json.dumps({"ts": int(at.timestamp() * 1000), "lon": lon, "lat": lat}).encode()
    return InboundMessage(topic=f"gridwatch/teams/{team_id}/position", payload=payload, received_at=at)


def _fence_rule(lon: float, lat: float, **policy: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": "river-bank", "name": "Restricted river bank", "kind": "geofence", "scope": {"kind": "team"},
        "trigger": "enter", "polygon": [[lon - HALF, lat - HALF], [lon + HALF, lat - HALF], [lon + HALF, lat + HALF],
                                        [lon - HALF, lat + HALF]]}
    if policy:
        rule["case_policy"] = policy
    return rule


def _governance_team(store: Store) -> Team:
    town = _town(7)
    load_town(store, town)
    return next(t for t in town.teams if t.platform is Platform.GOVERNANCE and t.lon is not None)


@pytest.mark.parametrize("policy", [{}, {"auto_dispatch": True}], ids=["default-policy", "auto-dispatch-asked"])
def test_a_team_entering_a_restricted_bank_opens_a_governance_safety_case_and_is_not_sent_to_itself(
        store: Store, policy: dict[str, Any]) -> None:
    team = _governance_team(store)
    lon, lat = team.lon + 0.01, team.lat  # type: ignore[operator]
    with store.unit_of_work() as uow:
        uow.alert_rules.add(parse_rule(_fence_rule(lon, lat, **policy), where="test"), at=T0)
    at = T0
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: at)
    pipeline.handle([_position(team.id, at, lon - 0.01, lat)])  # outside the fence
    at = T0 + timedelta(seconds=30)
    pipeline.handle([_position(team.id, at, lon, lat)])  # inside: the team is on the bank
    with store.unit_of_work() as uow:
        [alert] = uow.alerts.list(limit=10)
        [case] = uow.cases.list()
        assignments = uow.assignments.for_case(case.id)  # type: ignore[arg-type]
        after = uow.teams.get(team.id)
    assert (alert.device_id, alert.rule_id, alert.case_id) == (team.id, "river-bank", case.id)
    assert (case.category, case.platform) == ("safety_hazard", Platform.GOVERNANCE)
    assert str(case.status) == "accepted"
    assert assignments == []  # the nearest governance team is the one on the bank: nobody goes without a person
    assert after is not None and after.status == team.status
    assert pipeline.stats.snapshot()["dispatched"] == 0
