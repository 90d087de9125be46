"""Contract of DeviceRepository, ReadingRepository and DeadLetterRepository, run against every backend."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from iot.models import SensorKind
from storage import Store, StorageError
from tests.factories import T0, at, make_dead_letter, make_device, make_reading


def test_device_round_trip_and_upsert_overwrites(store: Store) -> None:
    device = make_device("aq-001", mobile=True)
    with store.unit_of_work() as uow:
        assert uow.devices.upsert_many([device]) == 1
        assert uow.devices.upsert_many([device]) == 1
    with store.unit_of_work() as uow:
        got = uow.devices.get("aq-001")
        uow.devices.upsert_many([make_device("aq-001", name="Renamed", lon=120.5)])
    with store.unit_of_work() as uow:
        renamed = uow.devices.get("aq-001")
        assert uow.devices.count() == 1
        assert uow.devices.get("missing") is None
    assert got == device and got is not None and got.kind is SensorKind.AIR_QUALITY and got.mobile is True
    assert renamed is not None and (renamed.name, renamed.lon) == ("Renamed", 120.5)


def test_device_list_filters_by_kind_orders_by_id_and_pages(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.devices.upsert_many([make_device("w-2", kind=SensorKind.WATER_LEVEL), make_device("aq-1"),
                                 make_device("w-1", kind=SensorKind.WATER_LEVEL), make_device("w-3", kind=SensorKind.WATER_LEVEL)])
    with store.unit_of_work() as uow:
        assert [d.id for d in uow.devices.all()] == ["aq-1", "w-1", "w-2", "w-3"]
        assert [d.id for d in uow.devices.list(kind=SensorKind.WATER_LEVEL, limit=2, offset=1)] == ["w-2", "w-3"]
        assert uow.devices.count(kind=SensorKind.WATER_LEVEL) == 3
        assert uow.devices.count(kind=SensorKind.SMOKE) == 0


def test_readings_add_many_ignores_repeats_and_counts_only_new_ones(store: Store) -> None:
    with store.unit_of_work() as uow:
        assert uow.readings.add_many([make_reading(ts=at(0)), make_reading(ts=at(1))]) == 2
    with store.unit_of_work() as uow:
        batch = [make_reading(ts=at(1)), make_reading(ts=at(2)), make_reading(ts=at(2)), make_reading("aq-002", ts=at(1))]
        assert uow.readings.add_many(batch) == 2
        assert uow.readings.add_many([]) == 0
    with store.unit_of_work() as uow:
        assert uow.readings.count() == 4
        assert uow.readings.count(device_id="aq-001") == 3


def test_readings_list_newest_first_since_and_limit_in_utc(store: Store) -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    with store.unit_of_work() as uow:
        uow.readings.add_many([make_reading(ts=at(m), values={"pm25": float(m) + 0.125}) for m in range(5)])
        uow.readings.add_many([make_reading("other", ts=at(10))])
    with store.unit_of_work() as uow:
        newest = uow.readings.list(device_id="aq-001", limit=2)
        since = uow.readings.list(device_id="aq-001", since=at(3).astimezone(shanghai))
    assert [r.ts for r in newest] == [at(4), at(3)]
    assert newest[0].values == {"pm25": 4.125}
    assert newest[0].ts.tzinfo is timezone.utc
    assert [r.ts for r in since] == [at(4), at(3)]


def test_readings_keep_the_instant_of_non_utc_times(store: Store) -> None:
    local = datetime(2024, 5, 1, 16, 0, 0, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    with store.unit_of_work() as uow:
        uow.readings.add_many([make_reading(ts=local)])
    with store.unit_of_work() as uow:
        (reading,) = uow.readings.list(device_id="aq-001")
        assert uow.readings.add_many([make_reading(ts=local.astimezone(timezone.utc))]) == 0
    assert reading.ts == datetime(2024, 5, 1, 8, 0, 0, 123456, tzinfo=timezone.utc)
    assert reading.ts.tzinfo is timezone.utc


def test_naive_datetime_is_refused_with_the_field_named(store: Store) -> None:
    with pytest.raises(StorageError, match=r"reading of aq-001\.ts.*no timezone"):
        with store.unit_of_work() as uow:
            uow.readings.add_many([make_reading(ts=datetime(2024, 5, 1, 8, 0))])


def test_dead_letter_keeps_raw_non_utf8_bytes(store: Store) -> None:
    raw = b"\xff\xfe\x00gb2312:\xc4\xe3\xba\xc3"
    with store.unit_of_work() as uow:
        stored = uow.dead_letters.add(make_dead_letter(payload=raw, reason="not UTF-8"))
    with store.unit_of_work() as uow:
        (got,) = uow.dead_letters.list()
    assert stored.id is not None
    assert got == stored
    assert got.payload == raw and isinstance(got.payload, bytes)
    assert got.received_at.tzinfo is timezone.utc


def test_dead_letters_list_newest_first_with_count_and_pages(store: Store) -> None:
    with store.unit_of_work() as uow:
        first, second, third, fourth = (
            uow.dead_letters.add(make_dead_letter(received_at=T0 + timedelta(minutes=minute))) for minute in (0, 2, 1, 2))
    with store.unit_of_work() as uow:
        letters = uow.dead_letters.list()
        page = uow.dead_letters.list(limit=2, offset=1)
        assert uow.dead_letters.count() == 4
    assert letters == [fourth, second, third, first]
    assert page == [second, third]


def test_readings_newest_at_is_the_newest_reading_of_any_known_device(store: Store) -> None:
    with store.read_only() as uow:
        assert uow.readings.newest_at() is None
    with store.unit_of_work() as uow:
        uow.devices.upsert_many([make_device("aq-001"), make_device("aq-002"), make_device("aq-idle")])
        uow.readings.add_many([make_reading("aq-001", ts=at(m)) for m in range(3)])
        uow.readings.add_many([make_reading("aq-002", ts=at(5)), make_reading("aq-002", ts=at(4))])
    with store.read_only() as uow:
        newest = uow.readings.newest_at()
    assert newest == at(5) and newest is not None and newest.tzinfo is timezone.utc


def test_readings_add_new_returns_only_the_new_ones_and_skips_repeats_in_the_batch(store: Store) -> None:
    with store.unit_of_work() as uow:
        assert uow.readings.add_new([make_reading(ts=at(0))]) == [make_reading(ts=at(0))]
    batch = [make_reading(ts=at(0)), make_reading(ts=at(1)), make_reading("other", ts=at(0)),
             make_reading(ts=at(1), values={"pm25": 1.0}), make_reading(ts=at(2).astimezone(ZoneInfo("Asia/Shanghai")))]
    with store.unit_of_work() as uow:
        new = uow.readings.add_new(batch)
        assert uow.readings.add_new([]) == []
    assert new == [batch[1], batch[2], batch[4]]
    with store.unit_of_work() as uow:
        assert uow.readings.count() == 4
        assert [r.values for r in uow.readings.list(device_id="aq-001", since=at(1), limit=5)][-1] == batch[1].values


def test_readings_add_new_writes_batches_larger_than_one_statement(store: Store) -> None:
    many = [make_reading(f"d-{i % 7}", ts=at(i)) for i in range(1234)]
    with store.unit_of_work() as uow:
        assert len(uow.readings.add_new(many)) == 1234
        assert uow.readings.add_new(many[::-1]) == []
        assert uow.readings.count() == 1234


def test_dead_letter_keeps_a_prefix_with_the_whole_size_and_hash(store: Store) -> None:
    import hashlib

    from iot.models import refused

    big = b"x" * 1_000_000 + b"tail"
    letters = [refused(T0, "gridwatch/sensors/a/readings", big, "payload too large", keep_bytes=4096),
               refused(T0 + timedelta(seconds=1), "gridwatch/sensors/b/readings", b"{bad", "not JSON", keep_bytes=4096)]
    with store.unit_of_work() as uow:
        assert uow.dead_letters.add_many(letters) == 2
        assert uow.dead_letters.add_many([]) == 0
    with store.unit_of_work() as uow:
        small, whole = uow.dead_letters.list()
    assert whole.payload == b"x" * 4096 and whole.size == len(big) and whole.truncated
    assert whole.sha256 == hashlib.sha256(big).hexdigest()
    assert small.payload == b"{bad" and small.size == 4 and not small.truncated
    assert small.sha256 == hashlib.sha256(b"{bad").hexdigest()


def test_readings_add_new_stores_every_field_exactly(store: Store) -> None:
    # PostGIS sends the batch as one JSON document: times to the microsecond, floats and the position must survive.
    ts = at(0) + timedelta(microseconds=123457)
    readings = [make_reading(ts=ts, values={"pm25": 0.1, "pm10": 1e-7, "big": 123456789.125}, lon=120.123456789,
                             lat=-32.987654321),
                make_reading("aq-002", ts=ts, values={"db": -40.0}, lon=-0.5, lat=89.999999999)]
    with store.unit_of_work() as uow:
        uow.devices.upsert_many([make_device(), make_device("aq-002")])
        assert uow.readings.add_new(readings) == readings
    with store.unit_of_work() as uow:
        assert uow.readings.list(device_id="aq-001") + uow.readings.list(device_id="aq-002") == readings
