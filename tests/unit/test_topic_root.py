"""A topic root lets several deployments, or test runs, share one broker without hearing each other."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gridwatch.settings import Settings
from iot.errors import IngestError
from iot.topics import SUBSCRIPTIONS, TopicKind, check_root, parse_topic, sensor_topic, subscriptions, team_topic


def test_the_default_root_is_the_documented_contract() -> None:
    assert SUBSCRIPTIONS == subscriptions() == ("gridwatch/sensors/+/readings", "gridwatch/teams/+/position")
    assert sensor_topic("AQ-001") == "gridwatch/sensors/AQ-001/readings"
    assert team_topic("T-GOV-01") == "gridwatch/teams/T-GOV-01/position"
    assert Settings().mqtt_topic_root == "gridwatch"


def test_topics_under_another_root_are_built_subscribed_and_parsed_with_it() -> None:
    root = "gridwatch-test/3f9a"
    assert subscriptions(root) == ("gridwatch-test/3f9a/sensors/+/readings", "gridwatch-test/3f9a/teams/+/position")
    assert parse_topic(sensor_topic("AQ-001", root=root), root=root) == (TopicKind.READING, "AQ-001")
    assert parse_topic(team_topic("T-1", root=root), root=root) == (TopicKind.POSITION, "T-1")


@pytest.mark.parametrize(("topic", "root"), [
    ("gridwatch/sensors/AQ-001/readings", "site-a"),
    ("site-a/sensors/AQ-001/readings", "gridwatch"),
    ("site-ab/sensors/AQ-001/readings", "site-a"),
    ("site-a/x/sensors/AQ-001/readings", "site-a"),
])
def test_a_topic_under_another_root_is_refused_naming_the_expected_one(topic: str, root: str) -> None:
    with pytest.raises(IngestError, match=rf"expected {root}/sensors/{{device_id}}/readings"):
        parse_topic(topic, root=root)


@pytest.mark.parametrize("root", ["", "a/", "/a", "a//b", "a/+", "#", "a/#", "a b", "a/b/c/d/e", "x" * 65])
def test_roots_with_wildcards_or_empty_levels_are_refused(root: str) -> None:
    with pytest.raises(IngestError, match="topic root"):
        check_root(root)
    with pytest.raises(ValidationError, match="mqtt_topic_root"):
        Settings(mqtt_topic_root=root)


def test_the_root_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDWATCH_MQTT_TOPIC_ROOT", "town-b/gridwatch")
    assert Settings().mqtt_topic_root == "town-b/gridwatch"
