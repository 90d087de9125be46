"""The migration files each backend ships and the helper that lists them."""

from __future__ import annotations

from storage.migrations import Migration, list_migrations, pending

BACKEND_PACKAGES = ("storage.sqlite.migrations", "storage.postgis.migrations")


def test_both_backends_ship_the_same_versions_in_order() -> None:
    sqlite_versions = [m.version for m in list_migrations(BACKEND_PACKAGES[0])]
    postgis_versions = [m.version for m in list_migrations(BACKEND_PACKAGES[1])]
    assert sqlite_versions[0] == "0001_initial"
    assert sqlite_versions == postgis_versions == sorted(sqlite_versions)


def test_postgis_initial_migration_creates_the_extension() -> None:
    initial = list_migrations(BACKEND_PACKAGES[1])[0]
    assert "CREATE EXTENSION IF NOT EXISTS postgis" in initial.sql


def test_pending_skips_applied_versions_and_keeps_order() -> None:
    migrations = [Migration("0001_a", ""), Migration("0002_b", ""), Migration("0003_c", "")]
    assert [m.version for m in pending(migrations, {"0002_b"})] == ["0001_a", "0003_c"]
