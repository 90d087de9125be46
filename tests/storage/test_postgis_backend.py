"""What only the PostGIS backend promises: a clear error for a dead server, real spatial columns."""

from __future__ import annotations

import time

import pytest

from storage import StorageError, open_store
from storage.postgis.backend import PostgisStore


def test_dead_server_raises_storage_error_naming_the_url_without_password() -> None:
    started = time.monotonic()
    with pytest.raises(StorageError, match=r"postgis store postgresql://gw:\*\*\*@127\.0\.0\.1:1/x: no connection"):
        open_store("postgresql://gw:secret@127.0.0.1:1/x", timeout=0.5)
    assert time.monotonic() - started < 5


@pytest.mark.postgis
def test_points_and_grids_are_srid_4326_geometries_with_gist_indexes(migrated_postgis_url: str) -> None:
    store = open_store(migrated_postgis_url)
    try:
        assert isinstance(store, PostgisStore) and store.name == "postgis"
        with store.unit_of_work() as uow:
            conn = uow._conn  # type: ignore[attr-defined]
            columns = {(r["f_table_name"], r["type"], r["srid"]) for r in conn.execute(
                "SELECT f_table_name, type, srid FROM geometry_columns WHERE f_geometry_column = 'geom'")}
            gist = {r["tablename"] for r in conn.execute(
                "SELECT tablename FROM pg_indexes WHERE indexdef LIKE '%USING gist%'")}
        assert ("grids", "GEOMETRY", 4326) in columns
        assert {("cameras", "POINT", 4326), ("cases", "POINT", 4326), ("teams", "POINT", 4326)} <= columns
        assert {"grids", "cameras", "alerts", "cases", "teams", "devices"} <= gist
    finally:
        store.close()
