"""The ingest under a topic root of its own stores what comes under it and dead-letters anything else."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from cases.locator import Locator
from gridwatch.pipeline import Pipeline
from iot.errors import IngestError
from iot.mqtt import InboundMessage
from iot.topics import sensor_topic
from storage import Store
from tests.factories import make_device

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
BODY = json.dumps({"ts": int(NOW.timestamp() * 1000), "values": {"pm25": 40}}).encode()


def test_readings_under_the_root_are_stored_and_others_dead_lettered(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.devices.upsert_many([make_device("AQ-001")])
    pipeline = Pipeline(store=store, locator=Locator(), clock=lambda: NOW, topic_root="site-a/gridwatch")
    pipeline.handle([InboundMessage(sensor_topic("AQ-001", root="site-a/gridwatch"), BODY, NOW),
                     InboundMessage(sensor_topic("AQ-001"), BODY, NOW)])
    with store.unit_of_work() as uow:
        assert uow.readings.count() == 1
        [letter] = uow.dead_letters.list()
    assert letter.topic == "gridwatch/sensors/AQ-001/readings"
    assert "expected site-a/gridwatch/sensors/{device_id}/readings" in letter.reason


def test_a_pipeline_refuses_a_root_with_wildcards(store: Store) -> None:
    with pytest.raises(IngestError, match="topic root 'gridwatch/#'"):
        Pipeline(store=store, locator=Locator(), topic_root="gridwatch/#")
