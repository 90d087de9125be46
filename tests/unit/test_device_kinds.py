"""The device catalogue: the shipped YAML covers every kind, agrees with the alarm thresholds, refuses bad files."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from iot.errors import DeviceError
from iot.kinds import default_catalogue, parse_catalogue
from iot.models import DEFAULT_THRESHOLDS, MetricRange, SensorKind
from iot.quarantine import PAYLOAD_PREFIX_BYTES, fold, sighting
from tests.factories import make_device

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_every_threshold_metric_is_in_its_kinds_catalogue_with_the_same_unit_and_inside_its_range() -> None:
    catalogue = default_catalogue()
    assert set(catalogue.kinds) == set(SensorKind)
    for kind, thresholds in DEFAULT_THRESHOLDS.items():
        for threshold in thresholds:
            spec = catalogue.spec(kind).metrics[threshold.metric]
            assert spec.unit == threshold.unit, (kind, threshold.metric)
            assert spec.min <= threshold.limit <= spec.max, (kind, threshold.metric)


def test_a_device_override_wins_over_its_kind() -> None:
    catalogue = default_catalogue()
    device = make_device(kind=SensorKind.WATER_LEVEL, metrics={"level_m": MetricRange("m", 0, 8)}, interval_s=30)
    assert catalogue.metrics_of(device) == {"level_m": MetricRange("m", 0, 8)}
    assert catalogue.interval_of(device) == 30
    assert catalogue.interval_of(make_device(kind=SensorKind.NOISE)) == 60


@pytest.mark.parametrize(("document", "says"), [
    ({}, "'kinds' mapping is missing"),
    ({"kinds": {"toaster": {}}}, "unknown ['toaster']"),
    ({"kinds": {k.value: {"interval_s": 60, "metrics": {"x": {"unit": "", "min": 2, "max": 1}}}
                for k in SensorKind}}, "min 2 is above max 1"),
    ({"kinds": {k.value: {"interval_s": 0, "metrics": {"x": {"unit": "", "min": 0, "max": 1}}}
                for k in SensorKind}}, "interval_s"),
])
def test_a_broken_catalogue_is_refused_saying_where(document: dict, says: str) -> None:
    with pytest.raises(DeviceError, match=None) as caught:
        parse_catalogue(document, source="kinds.yaml")
    assert says in str(caught.value)


@pytest.mark.parametrize(("metrics", "kind"), [
    ({"pm25": 1}, SensorKind.AIR_QUALITY), ({"pm25": 1, "pm10": 2}, SensorKind.AIR_QUALITY),
    ({"level_m": 1}, SensorKind.WATER_LEVEL), ({"pm25": 1, "db": 2}, None), ({"mystery": 1}, None), ({}, None),
])
def test_suggested_kind_is_the_one_kind_whose_metrics_match(metrics: dict, kind: SensorKind | None) -> None:
    assert default_catalogue().suggest_kind(set(metrics)) is kind


@pytest.mark.parametrize("payload", [b"\xff\xfe" * 10, b"[" * 100_000, b'{"values": 1, "lon": "x"}',
                                     b'{"lon": 1e400, "lat": 30}', b'{"lon": true, "lat": 30}', b"x" * 1_000_000])
def test_a_hostile_payload_is_still_quarantined_with_a_bounded_prefix(payload: bytes) -> None:
    entry = sighting(device_id="X", topic="t", payload=payload, at=NOW)
    assert len(entry.payload_prefix) <= PAYLOAD_PREFIX_BYTES
    assert (entry.lon, entry.lat, entry.suggested_kind, entry.messages) == (None, None, None, 1)


def test_fold_adds_up_one_devices_sightings_and_keeps_the_last_position() -> None:
    first = sighting(device_id="X", topic="t", payload=b'{"values": {"db": 1}, "lon": 120, "lat": 30}', at=NOW)
    later = sighting(device_id="X", topic="t", payload=b'{"values": {"mystery": 1}}', at=NOW.replace(minute=5))
    other = sighting(device_id="Y", topic="t", payload=b"{}", at=NOW)
    folded = fold([first, other, later])
    assert [e.device_id for e in folded] == ["X", "Y"]
    x = folded[0]
    assert (x.messages, x.first_seen_at, x.last_seen_at, x.lon, x.suggested_kind) == (
        2, NOW, NOW.replace(minute=5), 120.0, SensorKind.NOISE)
