"""Migration 0010 keeps existing devices with the registry's defaults, and lets a mobile device have no position."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from iot.models import SensorKind
from storage import open_store
from tests.factories import make_device
from tests.storage.migrating import BACKENDS, migrated_before

OLD_DEVICES = [("AQ-1", "air_quality", False), ("CC-9", "cold_chain", True)]


def _insert_old_rows(execute, placeholder: str) -> None:  # noqa: ANN001 - a driver's execute
    p = placeholder
    for device_id, kind, mobile in OLD_DEVICES:
        execute(f"INSERT INTO devices (id, kind, name, lon, lat, mobile) VALUES ({p}, {p}, 'old', 120.0, 32.3, {p})",
                (device_id, kind, mobile))


@pytest.fixture(params=BACKENDS)
def before_0010_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Yield a store URL migrated up to the one before 0010 holding devices of the old shape."""
    with migrated_before(request, request.param, "0010", _insert_old_rows, tmp_path, monkeypatch) as url:
        yield url


def test_old_devices_stay_with_defaults_and_a_mobile_one_may_lose_its_position(before_0010_url: str) -> None:
    store = open_store(before_0010_url)
    try:
        assert "0010_device_registry" in store.migrate()
        with store.unit_of_work() as uow:
            old = {d.id: d for d in uow.devices.all()}
            uow.devices.upsert_many([make_device("CC-9", kind=SensorKind.COLD_CHAIN, lon=None, lat=None, mobile=True)])
        with store.read_only() as uow:
            moved = uow.devices.get("CC-9")
            assert uow.quarantine.count() == 0
    finally:
        store.close()
    assert set(old) == {"AQ-1", "CC-9"}
    aq = old["AQ-1"]
    assert (aq.kind, aq.lon, aq.lat, aq.mobile, aq.grid_code, aq.department, aq.metrics, aq.interval_s) == (
        SensorKind.AIR_QUALITY, 120.0, 32.3, False, "", "", {}, None)
    assert old["CC-9"].mobile is True
    assert moved is not None and (moved.lon, moved.lat) == (None, None)
