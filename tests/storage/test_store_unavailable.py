"""Both backends say StoreUnavailable when the store cannot be reached, StorageError when a statement is wrong."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage import StorageError, StoreUnavailable, open_store
from storage.postgis.backend import is_unavailable as pg_unavailable
from storage.sqlite.backend import is_unavailable as sqlite_unavailable
from tests.mqtt_security.mosquitto import free_port


def test_sqlite_locked_past_the_busy_timeout_is_unavailable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    store = open_store(url, timeout_s=0.05)
    store.migrate()
    holder = sqlite3.connect(tmp_path / "g.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreUnavailable, match="locked"), store.unit_of_work() as uow:
            uow.readings.count()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with store.unit_of_work() as uow:
        assert uow.readings.count() == 0


def test_sqlite_bad_statement_is_a_storage_error_not_an_outage(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    store.migrate()
    with pytest.raises(StorageError) as caught, store.unit_of_work() as uow:
        uow._conn.execute("SELECT no_such_column FROM readings")  # type: ignore[attr-defined]
    assert not isinstance(caught.value, StoreUnavailable)


def test_sqlite_errors_are_classified_by_code_and_text() -> None:
    assert sqlite_unavailable(sqlite3.OperationalError("database is locked"))
    assert sqlite_unavailable(sqlite3.OperationalError("disk I/O error"))
    assert sqlite_unavailable(sqlite3.OperationalError("unable to open database file"))
    assert not sqlite_unavailable(sqlite3.OperationalError("no such table: readings"))
    assert not sqlite_unavailable(sqlite3.IntegrityError("UNIQUE constraint failed"))


def test_postgis_nothing_listening_is_unavailable() -> None:
    with pytest.raises(StoreUnavailable, match="no connection within"):
        open_store(f"postgresql://postgres@127.0.0.1:{free_port()}/x", timeout_s=0.5)


def test_postgis_errors_are_classified_by_sqlstate() -> None:
    import psycopg
    from psycopg import errors

    assert pg_unavailable(psycopg.OperationalError("server closed the connection unexpectedly"))
    assert pg_unavailable(psycopg.InterfaceError("the connection is closed"))
    assert not pg_unavailable(errors.UniqueViolation("duplicate key"))
    assert not pg_unavailable(errors.UndefinedColumn("no such column"))


@pytest.mark.postgis
def test_postgis_a_killed_pooled_connection_does_not_wedge_the_pool(migrated_postgis_url: str) -> None:
    import psycopg

    store = open_store(migrated_postgis_url, min_size=1, max_size=1, timeout_s=3)
    try:
        with store.unit_of_work() as uow:
            pid = uow._conn.execute("SELECT pg_backend_pid() AS pid").fetchone()["pid"]  # type: ignore[attr-defined]
        with psycopg.connect(migrated_postgis_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        # The pool checks a connection before lending it and replaces the dead one.
        with store.unit_of_work() as uow:
            assert uow._conn.execute("SELECT pg_backend_pid() AS pid").fetchone()["pid"] != pid  # type: ignore[attr-defined]
    finally:
        store.close()
