"""The MQTT topic contract (docs/mqtt.md): what devices and teams publish, and where."""

from __future__ import annotations

import functools
import re
from enum import StrEnum

from iot.errors import IngestError

DEFAULT_ROOT = "gridwatch"
SENSOR_READINGS = "{root}/sensors/{device_id}/readings"
TEAM_POSITION = "{root}/teams/{team_id}/position"
QOS = 1

_ID = r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}"
# A root is one or more topic levels without wildcards, so several deployments (or tests) can share a broker.
_ROOT = re.compile(r"^[A-Za-z0-9_.-]{1,64}(/[A-Za-z0-9_.-]{1,64}){0,3}$")


def valid_id(ident: str) -> bool:
    """Return whether a device or team id can be a topic segment."""
    return re.fullmatch(_ID, ident) is not None


def check_root(root: str) -> str:
    """Return root if it can prefix the topics, or raise IngestError saying why not."""
    if not _ROOT.match(root):
        raise IngestError(f"topic root {root!r}: must be 1-4 levels of A-Z a-z 0-9 _ . - joined by '/', "
                          "without wildcards or empty levels")
    return root


def subscriptions(root: str = DEFAULT_ROOT) -> tuple[str, ...]:
    """Return the topic filters the ingest subscribes to under root."""
    check_root(root)
    return (f"{root}/sensors/+/readings", f"{root}/teams/+/position")


SUBSCRIPTIONS: tuple[str, ...] = subscriptions()


@functools.cache
def _topic_pattern(root: str) -> re.Pattern[str]:
    check_root(root)
    return re.compile(rf"^{re.escape(root)}/(?P<family>sensors|teams)/(?P<id>{_ID})/(?P<leaf>readings|position)$")


class TopicKind(StrEnum):
    """What a topic carries."""

    READING = "reading"
    POSITION = "position"


def parse_topic(topic: str, *, root: str = DEFAULT_ROOT) -> tuple[TopicKind, str]:
    """Return what the topic carries and the device or team id in it, or raise IngestError."""
    if not isinstance(topic, str):
        raise IngestError(f"topic {topic!r}: must be text, got {type(topic).__name__}")
    match = _topic_pattern(root).match(topic)
    if match is None:
        raise IngestError(f"topic {topic[:200]!r}: not a gridwatch topic; expected "
                          f"{sensor_topic('{device_id}', root=root)} or {team_topic('{team_id}', root=root)}")
    family, leaf = match["family"], match["leaf"]
    if (family, leaf) == ("sensors", "readings"):
        return TopicKind.READING, match["id"]
    if (family, leaf) == ("teams", "position"):
        return TopicKind.POSITION, match["id"]
    raise IngestError(f"topic {topic!r}: {family} do not publish {leaf}")


def sensor_topic(device_id: str, *, root: str = DEFAULT_ROOT) -> str:
    """Return the topic a sensor publishes its readings on."""
    return SENSOR_READINGS.format(root=root, device_id=device_id)


def team_topic(team_id: str, *, root: str = DEFAULT_ROOT) -> str:
    """Return the topic a team's phone publishes its position on."""
    return TEAM_POSITION.format(root=root, team_id=team_id)


def status_topic(root: str, client_id: str) -> str:
    """Return ROOT/status/ingest/CLIENT_ID, the retained online/offline topic of one ingest worker."""
    # A client id may hold characters a topic level must not (+, #, /).
    return f"{check_root(root)}/status/ingest/{re.sub(r'[^A-Za-z0-9_.-]', '_', client_id)}"
