"""Migration 0006 keeps existing cameras, gives them the new fields' defaults and moves a set status to health."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import open_store
from tests.storage.migrating import BACKENDS, migrated_before
from video.health import Health
from video.models import Mount

OLD_CAMERAS = [("cam-a", "unknown"), ("cam-b", "frozen"), ("cam-c", "online")]


def _insert_old_rows(execute, placeholder: str) -> None:  # noqa: ANN001 - a driver's execute
    p = placeholder
    for camera_id, status in OLD_CAMERAS:
        execute("INSERT INTO cameras (id, name, lon, lat, bearing_deg, fov_deg, range_m, owner, stream_url, status)"
                f" VALUES ({p}, 'old', 120.0, 32.3, 90, 60, 150, 'police', '', {p})", (camera_id, status))


@pytest.fixture(params=BACKENDS)
def before_0006_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Yield a store URL migrated up to 0005 holding cameras with the old status column."""
    with migrated_before(request, request.param, "0006", _insert_old_rows, tmp_path, monkeypatch) as url:
        yield url


def test_old_cameras_stay_with_defaults_and_a_set_status_becomes_their_first_health(before_0006_url: str) -> None:
    store = open_store(before_0006_url)
    try:
        assert "0006_camera_registry" in store.migrate()
        with store.unit_of_work() as uow:
            cameras = uow.cameras.all()
            latest = uow.camera_health.latest()
    finally:
        store.close()
    assert [(c.id, c.owner, c.mount, c.height_m, c.grid_code, c.gb_device_id, c.live_url) for c in cameras] == [
        (cid, "police", Mount.FIXED, 6.0, "", None, "") for cid, _ in OLD_CAMERAS]
    assert {k: v.status for k, v in latest.items()} == {"cam-b": Health.FROZEN, "cam-c": Health.OK}
