"""Fixtures shared by every test: the PostGIS test database and migrated, empty stores of each backend."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from storage import Store, open_store
from storage.values import redact_url

PG_ADMIN_URL_ENV = "GRIDWATCH_TEST_PG_ADMIN_URL"
DEFAULT_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

# ids are the backend names, so `-k sqlite` or `-k postgis` picks one backend.
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgis", id="postgis", marks=pytest.mark.postgis),
]


def _unavailable(message: str) -> None:
    """Skip a PostGIS test on a laptop without the server; fail it in CI, where the server must be there."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{message} (CI=true, so PostGIS tests may not be skipped)", pytrace=False)
    pytest.skip(message)


def _with_database(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Hash test passwords with argon2id at its lowest cost: every API test logs in, and production cost is ~0.1-0.7 s.

    tests/access/test_password_cost.py pins the production parameters; subprocesses (the demo) keep them.
    """
    from argon2 import PasswordHasher

    from access import passwords

    production = passwords._HASHER
    passwords._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        yield
    finally:
        passwords._HASHER = production


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """Return the URL of a superuser connection to the test server (env GRIDWATCH_TEST_PG_ADMIN_URL)."""
    return os.environ.get(PG_ADMIN_URL_ENV) or DEFAULT_PG_ADMIN_URL


@pytest.fixture(scope="session")
def postgis_url(postgres_admin_url: str) -> Iterator[str]:
    """Create a fresh database with PostGIS for this session, yield its URL, drop it at the end."""
    import psycopg
    from psycopg import sql

    database = f"gridwatch_test_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(postgres_admin_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    except psycopg.Error as exc:
        _unavailable(f"PostgreSQL at {redact_url(postgres_admin_url)} (env {PG_ADMIN_URL_ENV}) is unavailable: {exc}")
    url = _with_database(postgres_admin_url, database)
    try:
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except psycopg.Error as exc:
            _unavailable(f"PostGIS extension cannot be created in {database}: {exc}")
        yield url
    finally:
        with psycopg.connect(postgres_admin_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))


@pytest.fixture(scope="session")
def migrated_postgis_url(postgis_url: str) -> str:
    """Return the session database's URL after applying the migrations once."""
    store = open_store(postgis_url)
    try:
        store.migrate()
    finally:
        store.close()
    return postgis_url


# TRUNCATE costs a few milliseconds per table even when it is empty, so only tables holding rows are
# truncated; every sequence restarts, so ids begin at 1 as after TRUNCATE ... RESTART IDENTITY.
_EMPTY_ALL_TABLES = """
DO $$
DECLARE
    t text;
    has_rows boolean;
    dirty text[] := '{}';
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public'
             AND tablename NOT IN ('schema_migrations', 'spatial_ref_sys') LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', t) INTO has_rows;
        IF has_rows THEN
            dirty := dirty || quote_ident(t);
        END IF;
    END LOOP;
    IF cardinality(dirty) > 0 THEN
        EXECUTE 'TRUNCATE ' || array_to_string(dirty, ', ') || ' RESTART IDENTITY CASCADE';
    END IF;
    PERFORM setval(s.oid, 1, false) FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
     WHERE s.relkind = 'S' AND n.nspname = 'public';
END $$;
"""


def _empty_postgis(url: str) -> None:
    """Empty every table of the store (ids restart, revisions vanish), keeping the schema."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(_EMPTY_ALL_TABLES)


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return an SQLite file migrated once for the session: a copy of it is a migrated, empty store.

    Migrating a file costs 0.2-0.5 s and about a thousand tests take a fresh SQLite store; copying one is ~10 ms.
    """
    path = tmp_path_factory.mktemp("sqlite-template") / "gridwatch.db"
    store = open_store(f"sqlite:///{path}")
    try:
        store.migrate()
    finally:
        store.close()
    return path


def _copy_sqlite(template: Path, path: Path) -> None:
    """Copy the template with its write-ahead log, if one is left (closing the last connection folds it in)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))


def _empty_store_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        path = tmp_path / "store" / "gridwatch.db"
        _copy_sqlite(request.getfixturevalue("migrated_sqlite_file"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("migrated_postgis_url")
    _empty_postgis(url)
    return url


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return the URL of a migrated, empty store of each backend (for tests that start the whole app)."""
    return _empty_store_url(request.param, request, tmp_path)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Yield a migrated, empty, open store of each backend; close it afterwards."""
    opened = open_store(_empty_store_url(request.param, request, tmp_path))
    try:
        yield opened
    finally:
        opened.close()
