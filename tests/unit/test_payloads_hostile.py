"""Hostile payloads: every way a message can be wrong is an IngestError naming topic and field, nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iot.errors import IngestError
from iot.models import Device, SensorKind
from iot.payloads import guarded, parse_guard, parse_position, parse_reading
from iot.topics import parse_topic
from tests.unit.hostile import HOSTILE_READINGS

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
DEVICE = Device("AQ-001", SensorKind.AIR_QUALITY, "空气站", 120.0, 32.3)
TOPIC = "gridwatch/sensors/AQ-001/readings"
TEAM_TOPIC = "gridwatch/teams/T-1/position"


@pytest.mark.parametrize(("payload", "fragment"), HOSTILE_READINGS, ids=range(len(HOSTILE_READINGS)))
def test_hostile_reading_is_an_ingest_error_naming_topic_and_field(payload: bytes, fragment: str) -> None:
    with pytest.raises(IngestError) as caught:
        parse_reading(TOPIC, payload, device=DEVICE, now=NOW)
    assert fragment in str(caught.value) and TOPIC in str(caught.value)
    assert len(str(caught.value)) < 600


@pytest.mark.parametrize("ts", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", 10**400, 1e308])
def test_position_at_the_edge_of_the_calendar_is_an_ingest_error(ts: object) -> None:
    payload = ('{"ts": %s, "lon": 120, "lat": 32}' % (f'"{ts}"' if isinstance(ts, str) else ts)).encode()
    with pytest.raises(IngestError, match="field 'ts'"):
        parse_position(TEAM_TOPIC, payload, team_id="T-1", now=NOW)


@pytest.mark.parametrize("topic", ["gridwatch/sensors/a b/readings", "gridwatch/teams/T-1/readings", "x" * 70_000,
                                   "gridwatch/sensors//readings", b"gridwatch/sensors/A/readings"])
def test_bad_topic_is_an_ingest_error(topic: object) -> None:
    with pytest.raises(IngestError, match="topic"):
        parse_topic(topic)  # type: ignore[arg-type]


def test_guard_maps_an_unexpected_error_to_a_parse_error_with_its_type() -> None:
    def broken() -> None:
        raise OverflowError("date value out of range")

    with pytest.raises(IngestError, match=r"^topic 'a/b': parse error: OverflowError: date value out of range$"):
        guarded("a/b", broken)


def test_guard_lets_an_ingest_error_through_unchanged() -> None:
    with pytest.raises(IngestError, match="^as it was$"), parse_guard("a/b"):
        raise IngestError("as it was")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
_ts = st.one_of(st.integers(), st.floats(), st.text(max_size=40), st.datetimes().map(lambda d: d.isoformat()),
                st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()))
_body = st.fixed_dictionaries({}, optional={"ts": _ts, "values": st.dictionaries(st.text(max_size=8), _json,
                                                                                  max_size=3) | _json,
                                            "lon": _json | st.integers(), "lat": _json | st.floats(), "crs": _json})


def _encode(body: object) -> bytes:
    import json

    return json.dumps(body, allow_nan=True).encode()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.one_of(st.binary(max_size=200), _body.map(_encode), _json.map(_encode)))
def test_parse_never_raises_anything_but_ingest_error(payload: bytes) -> None:
    for parse in (lambda: parse_reading(TOPIC, payload, device=DEVICE, now=NOW),
                  lambda: parse_position(TEAM_TOPIC, payload, team_id="T-1", now=NOW)):
        try:
            parse()
        except IngestError as exc:
            assert "topic" in str(exc)
