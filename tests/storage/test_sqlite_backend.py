"""What only the SQLite backend promises: file handling and many threads writing at once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from storage import StorageError, open_store
from storage.migrations import list_migrations
from storage.sqlite.backend import MIGRATIONS_PACKAGE, SqliteStore, path_from_url
from tests.factories import at, make_reading


def test_open_creates_the_missing_parent_folder(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "er" / "gridwatch.db"
    store = open_store(f"sqlite:///{db}")
    try:
        assert isinstance(store, SqliteStore) and store.name == "sqlite"
        assert store.migrate() == [m.version for m in list_migrations(MIGRATIONS_PACKAGE)]
        assert db.exists()
    finally:
        store.close()


def test_url_paths_are_absolute_with_four_slashes_and_relative_with_three(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert path_from_url("sqlite:////var/lib/gridwatch.db") == Path("/var/lib/gridwatch.db")
    assert path_from_url("sqlite:///data/gridwatch.db") == tmp_path / "data" / "gridwatch.db"


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "sqlite:///", "sqlite://relative.db"])
def test_memory_and_malformed_urls_are_refused(url: str) -> None:
    with pytest.raises(StorageError, match="sqlite store"):
        path_from_url(url)


def test_store_runs_in_wal_mode_with_foreign_keys_on(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    store.migrate()
    with store.unit_of_work() as uow:
        conn: sqlite3.Connection = uow._conn  # type: ignore[attr-defined]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store.close()
    with pytest.raises(StorageError, match="closed"):
        with store.unit_of_work():
            pass


def test_threads_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    store.migrate()
    errors: list[BaseException] = []

    def write(device: str) -> None:
        try:
            for minute in range(20):
                with store.unit_of_work() as uow:
                    uow.readings.add_many([make_reading(device, ts=at(minute))])
                    uow.feed.append("reading", {"device": device}, at=at(minute))
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(f"d{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    with store.unit_of_work() as uow:
        assert uow.readings.count() == 80
        assert [e.id for e in uow.feed.since(0)] == list(range(1, 81))
    store.close()
