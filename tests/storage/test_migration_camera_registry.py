"""Migration 0006 keeps existing cameras, gives them the new fields' defaults and moves a set status to health."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import open_store
from storage.migrations import list_migrations
from tests.conftest import _with_database
from video.health import Health
from video.models import Mount

OLD_CAMERAS = [("cam-a", "unknown"), ("cam-b", "frozen"), ("cam-c", "online")]


def _insert_old_rows(execute, placeholder: str) -> None:  # noqa: ANN001 - a driver's execute
    p = placeholder
    for camera_id, status in OLD_CAMERAS:
        execute("INSERT INTO cameras (id, name, lon, lat, bearing_deg, fov_deg, range_m, owner, stream_url, status)"
                f" VALUES ({p}, 'old', 120.0, 32.3, 90, 60, 150, 'police', '', {p})", (camera_id, status))


@pytest.fixture(params=["sqlite", "postgis"])
def before_0006_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Yield a store URL migrated up to 0005 holding cameras with the old status column."""
    backend = request.param
    module = f"storage.{backend}.backend"
    full = list_migrations(f"storage.{backend}.migrations")
    monkeypatch.setattr(f"{module}.list_migrations", lambda package: [m for m in full if m.version < "0006"])
    if backend == "sqlite":
        import sqlite3

        url = f"sqlite:///{tmp_path / 'old.db'}"
        open_store(url).migrate()
        with sqlite3.connect(tmp_path / "old.db") as conn:
            _insert_old_rows(conn.execute, "?")
        monkeypatch.undo()
        yield url
        return
    request.applymarker(pytest.mark.postgis)
    import psycopg

    admin_url = request.getfixturevalue("postgres_admin_url")
    request.getfixturevalue("postgis_url")  # skips or fails (CI) when PostgreSQL is missing
    database = f"gridwatch_mig_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {database}")
    url = _with_database(admin_url, database)
    try:
        store = open_store(url)
        store.migrate()
        store.close()
        with psycopg.connect(url, autocommit=True) as conn:
            _insert_old_rows(conn.execute, "%s")
        monkeypatch.undo()
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


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
