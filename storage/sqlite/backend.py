"""SqliteStore: the embedded store in one WAL-mode file, safe to share between threads."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from pathlib import Path

from storage.contract import StorageError, StoreUnavailable
from storage.migrations import list_migrations, pending
from storage.sql.unit_of_work import SqlUnitOfWork
from storage.sqlite.dialect import DIALECT, TIME_FORMAT, register_functions

logger = logging.getLogger(__name__)

_PREFIX = "sqlite:///"
MIGRATIONS_PACKAGE = "storage.sqlite.migrations"
# The shared SQL writes INSERT ... RETURNING, which SQLite understands from 3.35 on.
MIN_SQLITE_VERSION = (3, 35, 0)


def path_from_url(url: str) -> Path:
    """Return the absolute file path of sqlite:///relative/path.db or sqlite:////absolute/path.db."""
    if not url.lower().startswith(_PREFIX):
        raise StorageError(f"sqlite store {url!r}: URL must look like sqlite:///path/to/file.db")
    raw = url[len(_PREFIX):].split("?", 1)[0]
    if raw in ("", ":memory:"):
        raise StorageError(f"sqlite store {url!r}: needs a file path; in-memory databases are not shared between threads")
    return Path(raw).expanduser().resolve()


# What SQLite says when the file, not the statement, is the problem: another writer held the lock past the
# busy timeout, the disk failed or is full, or the file cannot be opened.
_UNAVAILABLE_CODES = frozenset(
    getattr(sqlite3, name) for name in ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR", "SQLITE_FULL",
                                        "SQLITE_CANTOPEN", "SQLITE_PROTOCOL") if hasattr(sqlite3, name))
_UNAVAILABLE_TEXT = ("database is locked", "disk i/o error", "unable to open", "database or disk is full")


def is_unavailable(exc: sqlite3.Error) -> bool:
    """Return whether an SQLite error says the file cannot be used now, rather than that a statement is wrong."""
    # Extended codes carry the primary code in their low byte (SQLITE_IOERR_WRITE is SQLITE_IOERR | 3<<8).
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _UNAVAILABLE_CODES:
        return True
    return any(text in str(exc).lower() for text in _UNAVAILABLE_TEXT)


def _error(exc: sqlite3.Error) -> type[StorageError]:
    return StoreUnavailable if is_unavailable(exc) else StorageError


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            logger.warning("sqlite rollback failed", exc_info=True)


class SqliteStore:
    """Store in an SQLite file: a fresh connection per unit of work, BEGIN IMMEDIATE so writers queue up."""

    name = "sqlite"

    def __init__(self, url: str, *, busy_timeout_s: float = 10.0) -> None:
        self.url = url
        self.path = path_from_url(url)
        if sqlite3.sqlite_version_info < MIN_SQLITE_VERSION:
            raise StorageError(f"sqlite store {self.path}: SQLite {sqlite3.sqlite_version} is too old;"
                               " 3.35 or newer is needed (for RETURNING)")
        self._busy_timeout_s = busy_timeout_s
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as conn:
                # WAL lets readers carry on while one writer writes; the mode sticks to the file.
                conn.execute("PRAGMA journal_mode = WAL")
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"sqlite store {self.path}: cannot open: {exc}") from exc
        logger.info("sqlite store opened", extra={"path": str(self.path)})

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: the driver opens no transactions of its own; unit_of_work says BEGIN and COMMIT.
        conn = sqlite3.connect(self.path, timeout=self._busy_timeout_s, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_s * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        register_functions(conn)
        return conn

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError(f"sqlite store {self.path}: already closed")

    def migrate(self) -> list[str]:
        """Apply pending SQL migrations in order, each in its own transaction; return the versions applied."""
        self._check_open()
        applied_now: list[str] = []
        with closing(self._connect()) as conn:
            try:
                conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations"
                             " (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
                applied = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
            except sqlite3.Error as exc:
                raise StorageError(f"sqlite store {self.path}: cannot read schema_migrations: {exc}") from exc
            for migration in pending(list_migrations(MIGRATIONS_PACKAGE), applied):
                stamp = datetime.now(timezone.utc).strftime(TIME_FORMAT)
                # executescript runs many statements but takes no parameters; version and stamp are
                # [0-9a-z_] and digits by construction, so inlining them is safe.
                script = (f"BEGIN IMMEDIATE;\n{migration.sql}\n;\n"
                          f"INSERT INTO schema_migrations (version, applied_at) VALUES ('{migration.version}', '{stamp}');\n"
                          "COMMIT;")
                try:
                    conn.executescript(script)
                except sqlite3.Error as exc:
                    _rollback(conn)
                    raise StorageError(f"sqlite store {self.path}: migration {migration.version} failed: {exc}") from exc
                logger.info("sqlite migration applied", extra={"path": str(self.path), "version": migration.version})
                applied_now.append(migration.version)
        return applied_now

    @contextmanager
    def unit_of_work(self) -> Iterator[SqlUnitOfWork]:
        """Open a transaction: commit when the block ends normally, roll back when it raises."""
        self._check_open()
        try:
            conn = self._connect()
        except sqlite3.Error as exc:
            raise _error(exc)(f"sqlite store {self.path}: cannot connect: {exc}") from exc
        try:
            # IMMEDIATE takes the write lock now, so read-then-write steps (claim, find_open then add) cannot interleave.
            conn.execute("BEGIN IMMEDIATE")
            uow = SqlUnitOfWork(conn, DIALECT)
            yield uow
            uow.flush()
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(conn)
            raise _error(exc)(f"sqlite store {self.path}: unit of work failed: {exc}") from exc
        except BaseException:
            _rollback(conn)
            raise
        finally:
            conn.close()

    @contextmanager
    def read_only(self) -> Iterator[SqlUnitOfWork]:
        """Open a read-only transaction on one snapshot: it takes no write lock, and any write raises StorageError."""
        self._check_open()
        try:
            conn = self._connect()
            # The connection lives for this block only, so the pragma needs no undoing.
            conn.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            raise _error(exc)(f"sqlite store {self.path}: cannot connect: {exc}") from exc
        try:
            # A deferred BEGIN reads one WAL snapshot from its first SELECT on, and never queues behind writers.
            conn.execute("BEGIN")
            yield SqlUnitOfWork(conn, DIALECT)
        except sqlite3.Error as exc:
            raise _error(exc)(f"sqlite store {self.path}: read-only unit of work failed: {exc}") from exc
        finally:
            _rollback(conn)
            conn.close()

    def ping(self) -> bool:
        """Return whether the store answers."""
        if self._closed:
            return False
        try:
            with closing(self._connect()) as conn:
                return conn.execute("SELECT 1").fetchone()[0] == 1
        except sqlite3.Error:
            return False

    def close(self) -> None:
        """Refuse further units of work; connections are per unit of work, so nothing stays open."""
        self._closed = True
