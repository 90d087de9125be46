"""A store migrated only up to a given version and seeded with rows in the old shape, on either backend."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from storage import open_store
from storage.migrations import list_migrations
from tests.conftest import _with_database

# Seeds the old rows: given the driver's execute and its placeholder ("?" or "%s").
Seed = Callable[[Callable[..., Any], str], None]


@contextmanager
def migrated_before(request: pytest.FixtureRequest, backend: str, version: str, seed: Seed, tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Yield the URL of a store of backend migrated up to (not including) version and seeded; drop it after."""
    full = list_migrations(f"storage.{backend}.migrations")
    monkeypatch.setattr(f"storage.{backend}.backend.list_migrations",
                        lambda package: [m for m in full if m.version < version])
    if backend == "sqlite":
        import sqlite3

        url = f"sqlite:///{tmp_path / 'old.db'}"
        open_store(url).migrate()
        with sqlite3.connect(tmp_path / "old.db") as conn:
            seed(conn.execute, "?")
        monkeypatch.undo()
        yield url
        return
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
            seed(conn.execute, "%s")
        monkeypatch.undo()
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgis", id="postgis", marks=pytest.mark.postgis)]
