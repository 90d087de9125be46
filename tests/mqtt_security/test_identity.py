"""Where the broker says who published, the ingest dead-letters a message published by anyone but its topic's id."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from cases.locator import Locator
from gridwatch.pipeline import Pipeline
from gridwatch.towns import load_town
from iot.mqtt import InboundMessage
from storage import Store
from town.generate import generate_town
from town.models import Town

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TS_MS = int(NOW.timestamp() * 1000) - 60_000


def _loaded(store: Store) -> Town:
    town = generate_town(7)
    load_town(store, town)
    return town


def _reading(device_id: str, *, username: str | None) -> InboundMessage:
    payload = json.dumps({"ts": TS_MS, "values": {"db": 50}}).encode()
    return InboundMessage(topic=f"gridwatch/sensors/{device_id}/readings", payload=payload, received_at=NOW,
                          username=username)


def _position(team_id: str, *, username: str | None) -> InboundMessage:
    payload = json.dumps({"ts": TS_MS, "lon": 120.0, "lat": 32.3}).encode()
    return InboundMessage(topic=f"gridwatch/teams/{team_id}/position", payload=payload, received_at=NOW,
                          username=username)


def test_reading_published_by_another_device_is_dead_lettered_with_both_ids(store: Store) -> None:
    town = _loaded(store)
    victim, forger = town.devices[0].id, town.devices[1].id
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW)
    forged = _reading(victim, username=forger)
    pipeline.handle([forged])
    with store.unit_of_work() as uow:
        assert uow.readings.count() == 0
        [letter] = uow.dead_letters.list()
    assert letter.reason == (f"topic 'gridwatch/sensors/{victim}/readings': published by {forger!r}, "
                             f"not by device {victim!r}")
    assert letter.payload == forged.payload
    assert pipeline.stats.snapshot()["dead_letters"] == 1


def test_position_published_by_another_team_is_dead_lettered(store: Store) -> None:
    town = _loaded(store)
    team, other = town.teams[0].id, town.teams[1].id
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW)
    pipeline.handle([_position(team, username=other)])
    with store.unit_of_work() as uow:
        [letter] = uow.dead_letters.list()
    assert letter.reason == f"topic 'gridwatch/teams/{team}/position': published by {other!r}, not by team {team!r}"
    assert pipeline.stats.snapshot()["positions"] == 0


def test_messages_by_their_own_id_or_without_a_username_are_stored(store: Store) -> None:
    town = _loaded(store)
    device, team = town.devices[0].id, town.teams[0].id
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW)
    # Mosquitto does not pass the username on, so None is the everyday case and must not be refused.
    pipeline.handle([_reading(device, username=device), _reading(town.devices[1].id, username=None),
                     _position(team, username=team)])
    with store.unit_of_work() as uow:
        assert uow.readings.count() == 2
        assert uow.dead_letters.list() == []
    assert pipeline.stats.snapshot()["positions"] == 1
