"""The MQTT topic contract (docs/mqtt.md): what devices and teams publish, and where."""

from __future__ import annotations

import re
from enum import StrEnum

from iot.errors import IngestError

SENSOR_READINGS = "gridwatch/sensors/{device_id}/readings"
TEAM_POSITION = "gridwatch/teams/{team_id}/position"
SUBSCRIPTIONS: tuple[str, ...] = ("gridwatch/sensors/+/readings", "gridwatch/teams/+/position")
QOS = 1

_ID = r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}"
_TOPIC = re.compile(rf"^gridwatch/(?P<family>sensors|teams)/(?P<id>{_ID})/(?P<leaf>readings|position)$")


class TopicKind(StrEnum):
    """What a topic carries."""

    READING = "reading"
    POSITION = "position"


def parse_topic(topic: str) -> tuple[TopicKind, str]:
    """Return what the topic carries and the device or team id in it, or raise IngestError."""
    match = _TOPIC.match(topic)
    if match is None:
        raise IngestError(f"topic {topic!r}: not a gridwatch topic; expected {SENSOR_READINGS} or {TEAM_POSITION}")
    family, leaf = match["family"], match["leaf"]
    if (family, leaf) == ("sensors", "readings"):
        return TopicKind.READING, match["id"]
    if (family, leaf) == ("teams", "position"):
        return TopicKind.POSITION, match["id"]
    raise IngestError(f"topic {topic!r}: {family} do not publish {leaf}")


def sensor_topic(device_id: str) -> str:
    """Return the topic a sensor publishes its readings on."""
    return SENSOR_READINGS.format(device_id=device_id)


def team_topic(team_id: str) -> str:
    """Return the topic a team's phone publishes its position on."""
    return TEAM_POSITION.format(team_id=team_id)
