"""Both backends' migrations, all of them, build the same tables with the same columns."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage import open_store
from storage.migrations import Migration, list_migrations

# Columns one backend has and the other must not, each with the reason. Anything else that differs fails.
ONLY_IN_POSTGIS: dict[str, str] = {
    **{f"{table}.geom": "PostGIS geometry (generated from lon/lat for points) that the GIST index serves"
       for table in ("grids", "devices", "cameras", "teams", "alerts", "cases")},
}
ONLY_IN_SQLITE: dict[str, str] = {
    "grids.geometry": "SQLite keeps the grid's shape as GeoJSON text; PostGIS keeps it in grids.geom",
    **{f"grids.{bound}": "SQLite has no spatial index: a grid's bounding box in plain columns serves bbox queries"
       for bound in ("min_lon", "min_lat", "max_lon", "max_lat")},
}
# Tables the PostGIS extension brings along; ours live beside them in schema public.
POSTGIS_OWN_TABLES = {"spatial_ref_sys"}


def _sqlite_columns(path: Path) -> dict[str, set[str]]:
    """Return each table of the SQLite file with its column names."""
    with sqlite3.connect(path) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {table: {row[1] for row in conn.execute(f"PRAGMA table_info('{table}')")} for table in tables}


def _postgis_columns(url: str) -> dict[str, set[str]]:
    """Return each base table of schema public with its column names, without PostGIS's own tables."""
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c"
            " JOIN information_schema.tables t USING (table_schema, table_name)"
            " WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'").fetchall()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        if table not in POSTGIS_OWN_TABLES:
            found.setdefault(table, set()).add(column)
    return found


def _migrated_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "parity.db"
    store = open_store(f"sqlite:///{path}")
    try:
        store.migrate()
    finally:
        store.close()
    return path


def differences(sqlite: dict[str, set[str]], postgis: dict[str, set[str]]) -> list[str]:
    """Return what one backend's schema has and the other's lacks, outside the allow-lists."""
    found = [f"table {t} only in sqlite" for t in sorted(sqlite.keys() - postgis.keys())]
    found += [f"table {t} only in postgis" for t in sorted(postgis.keys() - sqlite.keys())]
    for table in sorted(sqlite.keys() & postgis.keys()):
        found += [f"column {table}.{c} only in sqlite" for c in sorted(sqlite[table] - postgis[table])
                  if f"{table}.{c}" not in ONLY_IN_SQLITE]
        found += [f"column {table}.{c} only in postgis" for c in sorted(postgis[table] - sqlite[table])
                  if f"{table}.{c}" not in ONLY_IN_POSTGIS]
    return found


@pytest.mark.postgis
def test_every_migration_of_both_backends_builds_the_same_tables_and_columns(tmp_path: Path,
                                                                              migrated_postgis_url: str) -> None:
    sqlite, postgis = _sqlite_columns(_migrated_sqlite(tmp_path)), _postgis_columns(migrated_postgis_url)
    assert differences(sqlite, postgis) == []
    # The allow-lists name only columns that exist, so a stale entry cannot hide a future difference.
    assert {f"{t}.{c}" for t, cs in postgis.items() for c in cs} >= ONLY_IN_POSTGIS.keys()
    assert {f"{t}.{c}" for t, cs in sqlite.items() for c in cs} >= ONLY_IN_SQLITE.keys()
    assert {"schema_migrations", "alerts", "cases", "audit_log"} <= sqlite.keys()


@pytest.mark.postgis
def test_a_column_or_table_added_by_one_backend_only_is_caught(tmp_path: Path, migrated_postgis_url: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    planted = Migration("9999_planted", "ALTER TABLE alerts ADD COLUMN escalated_at TEXT;"
                                        " CREATE TABLE planted (id INTEGER PRIMARY KEY);")
    monkeypatch.setattr("storage.sqlite.backend.list_migrations", lambda package: [*list_migrations(package), planted])
    sqlite = _sqlite_columns(_migrated_sqlite(tmp_path))
    assert differences(sqlite, _postgis_columns(migrated_postgis_url)) == [
        "table planted only in sqlite", "column alerts.escalated_at only in sqlite"]
