"""Contract of the device registry's fields, retirement and the quarantine of unknown devices, on every backend."""

from __future__ import annotations

from dataclasses import replace

from iot.models import MetricRange, QuarantineEntry, SensorKind
from storage import Store
from tests.factories import at, make_device, make_reading


def _sighting(device_id: str = "ghost-1", **overrides: object) -> QuarantineEntry:
    fields: dict[str, object] = dict(device_id=device_id, topic=f"gridwatch/sensors/{device_id}/reading",
                                     first_seen_at=at(0), last_seen_at=at(0), messages=1,
                                     payload_prefix=b'{"values": {"pm25": 1}}')
    return QuarantineEntry(**{**fields, **overrides})  # type: ignore[arg-type]


def test_device_registry_fields_round_trip_and_mobile_has_no_position(store: Store) -> None:
    fixed = make_device("wl-9", kind=SensorKind.WATER_LEVEL, grid_code="V01", department="水利站",
                        metrics={"level_m": MetricRange(unit="m", min=-1.5, max=12.0)}, interval_s=120)
    mobile = make_device("cc-truck", kind=SensorKind.COLD_CHAIN, lon=None, lat=None, mobile=True)
    with store.unit_of_work() as uow:
        uow.devices.upsert_many([fixed, mobile])
    with store.unit_of_work() as uow:
        got_fixed, got_mobile = uow.devices.get("wl-9"), uow.devices.get("cc-truck")
    assert got_fixed == fixed and got_fixed is not None and got_fixed.metrics == fixed.metrics
    assert got_mobile == mobile and got_mobile is not None
    assert (got_mobile.lon, got_mobile.lat, got_mobile.metrics, got_mobile.interval_s) == (None, None, {}, None)


def test_device_list_filters_by_grid_and_department(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.devices.upsert_many([make_device("a", grid_code="V01", department="env"),
                                 make_device("b", grid_code="V02", department="env"),
                                 make_device("c", grid_code="V01", department="water")])
    with store.read_only() as uow:
        assert [d.id for d in uow.devices.list(grid_code="V01")] == ["a", "c"]
        assert [d.id for d in uow.devices.list(department="env", grid_code="V02")] == ["b"]
        assert uow.devices.count(department="env") == 2


def test_device_delete_retires_it_and_keeps_its_readings(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.devices.upsert_many([make_device("aq-001"), make_device("aq-002")])
        uow.readings.add_many([make_reading("aq-001", ts=at(0))])
    with store.unit_of_work() as uow:
        assert uow.devices.delete("aq-001") is True
        assert uow.devices.delete("aq-001") is False
    with store.read_only() as uow:
        assert uow.devices.get("aq-001") is None and uow.devices.get("aq-002") is not None
        assert uow.readings.count(device_id="aq-001") == 1


def test_quarantine_record_many_adds_counts_keeps_first_seen_and_last_position(store: Store) -> None:
    with store.unit_of_work() as uow:
        assert uow.quarantine.record_many([
            _sighting(messages=3, first_seen_at=at(1), last_seen_at=at(2), lon=121.5, lat=31.2, crs="gcj02",
                      suggested_kind=SensorKind.AIR_QUALITY),
            _sighting("ghost-2", first_seen_at=at(5), last_seen_at=at(5)),
        ]) == 2
        assert uow.quarantine.record_many([]) == 0
    with store.unit_of_work() as uow:
        # The later sighting carries no position: the last one known stays.
        uow.quarantine.record_many([_sighting(messages=2, first_seen_at=at(3), last_seen_at=at(9),
                                              payload_prefix=b"later", topic="t/2")])
    with store.read_only() as uow:
        got = uow.quarantine.get("ghost-1")
        listed = [e.device_id for e in uow.quarantine.list()]
        assert uow.quarantine.count() == 2
        assert uow.quarantine.get("nobody") is None
    assert got is not None
    assert (got.messages, got.first_seen_at, got.last_seen_at) == (5, at(1), at(9))
    assert (got.payload_prefix, got.topic) == (b"later", "t/2")
    assert (got.lon, got.lat, got.crs) == (121.5, 31.2, "gcj02")
    assert got.suggested_kind is SensorKind.AIR_QUALITY  # the later sighting suggested none
    assert listed == ["ghost-1", "ghost-2"]  # last seen first


def test_quarantine_list_pages_and_delete_removes(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.quarantine.record_many([_sighting(f"g-{i}", first_seen_at=at(i), last_seen_at=at(i)) for i in range(5)])
    with store.unit_of_work() as uow:
        assert [e.device_id for e in uow.quarantine.list(limit=2, offset=1)] == ["g-3", "g-2"]
        assert uow.quarantine.delete("g-3") is True
        assert uow.quarantine.delete("g-3") is False
    with store.read_only() as uow:
        assert uow.quarantine.count() == 4
        entry = uow.quarantine.get("g-4")
    assert entry is not None and entry == replace(_sighting("g-4", first_seen_at=at(4), last_seen_at=at(4)))
