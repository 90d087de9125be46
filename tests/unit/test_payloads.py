"""MQTT payload parsing: good payloads become readings, bad ones raise errors that name topic and field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gis.crs import Crs, from_wgs84
from iot.errors import IngestError
from iot.models import Device, SensorKind
from iot.payloads import parse_position, parse_reading
from iot.topics import TopicKind, parse_topic

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
DEVICE = Device("AQ-001", SensorKind.AIR_QUALITY, "空气站", 120.0, 32.3)
TOPIC = "gridwatch/sensors/AQ-001/readings"


def test_epoch_ms_reading_is_located_at_the_device() -> None:
    reading = parse_reading(TOPIC, b'{"ts": 1795420800000, "values": {"pm25": 35}}', device=DEVICE, now=NOW)
    assert reading.ts == datetime.fromtimestamp(1795420800, tz=UTC)
    assert reading.values == {"pm25": 35.0}
    assert (reading.lon, reading.lat) == (120.0, 32.3)


def test_naive_iso_time_is_read_as_china_standard_time() -> None:
    reading = parse_reading(TOPIC, '{"ts": "2026-11-23T10:00:00", "values": {"pm25": 1}}'.encode(), device=DEVICE, now=NOW)
    assert reading.ts == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_mobile_reading_in_gcj02_is_converted_to_wgs84() -> None:
    lon, lat = from_wgs84(120.01, 32.31, Crs.GCJ02)
    body = f'{{"ts": "2026-11-23T07:00:00Z", "values": {{"db": 50}}, "lon": {lon}, "lat": {lat}, "crs": "gcj02"}}'
    reading = parse_reading(TOPIC, body.encode(), device=DEVICE, now=NOW)
    assert reading.lon == pytest.approx(120.01, abs=1e-6) and reading.lat == pytest.approx(32.31, abs=1e-6)


@pytest.mark.parametrize(("payload", "fragment"), [
    (b"\xff\xfe", "not UTF-8"),
    (b"{not json", "not JSON"),
    (b"[1, 2]", "JSON object"),
    (b'{"values": {"pm25": 1}}', "'ts' is required"),
    (b'{"ts": 1700000000, "values": {"pm25": 1}}', "not epoch milliseconds"),
    (b'{"ts": "yesterday", "values": {"pm25": 1}}', "not ISO 8601"),
    (b'{"ts": "2030-01-01T00:00:00Z", "values": {"pm25": 1}}', "in the future"),
    (b'{"ts": 1795420800000, "values": {}}', "non-empty object"),
    (b'{"ts": 1795420800000, "values": {"pm25": NaN}}', "not JSON"),
    (b'{"ts": 1795420800000, "values": {"pm25": "high"}}', "values.pm25"),
    (b'{"ts": 1795420800000, "values": {"pm25": true}}', "values.pm25"),
    (b'{"ts": 1795420800000, "values": {"PM 2.5": 1}}', "metric name"),
    (b'{"ts": 1795420800000, "values": {"pm25": 1}, "lon": 200, "lat": 32}', "outside -180..180"),
    (b'{"ts": 1795420800000, "values": {"pm25": 1}, "lon": 120}', "must come together"),
    (b'{"ts": 1795420800000, "values": {"pm25": 1}, "lon": 120, "lat": 32, "crs": "epsg:3857"}', "unknown coordinate system"),
])
def test_bad_reading_payload_is_refused_naming_topic_and_field(payload: bytes, fragment: str) -> None:
    with pytest.raises(IngestError) as caught:
        parse_reading(TOPIC, payload, device=DEVICE, now=NOW)
    assert fragment in str(caught.value)
    assert TOPIC in str(caught.value)


def test_team_position_needs_coordinates() -> None:
    topic = "gridwatch/teams/T-GOV-01/position"
    with pytest.raises(IngestError, match="'lon' and 'lat'"):
        parse_position(topic, b'{"ts": 1795420800000}', team_id="T-GOV-01", now=NOW)
    position = parse_position(topic, b'{"ts": 1795420800000, "lon": 120, "lat": 32.3}', team_id="T-GOV-01", now=NOW)
    assert (position.lon, position.lat) == (120.0, 32.3)


@pytest.mark.parametrize("topic", ["gridwatch/sensors/a/b/readings", "other/sensors/x/readings",
                                   "gridwatch/sensors/x/position", "gridwatch/teams/x/readings", "gridwatch/sensors//readings"])
def test_foreign_topics_are_refused(topic: str) -> None:
    with pytest.raises(IngestError, match="topic"):
        parse_topic(topic)


def test_topic_names_device() -> None:
    assert parse_topic("gridwatch/sensors/WL-007/readings") == (TopicKind.READING, "WL-007")
    assert parse_topic("gridwatch/teams/T-MKT-02/position") == (TopicKind.POSITION, "T-MKT-02")
