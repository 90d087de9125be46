"""PostgisStore: PostgreSQL with PostGIS behind a psycopg connection pool, safe to share between threads."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from storage.contract import StorageError, StoreUnavailable
from storage.migrations import list_migrations, pending
from storage.postgis.dialect import DIALECT
from storage.sql.unit_of_work import SqlUnitOfWork
from storage.values import redact_url

logger = logging.getLogger(__name__)

MIGRATIONS_PACKAGE = "storage.postgis.migrations"
# Session lock held while migrating, so two processes starting together do not both apply a file.
MIGRATION_LOCK_KEY = 0x6772696473636D61


def conninfo_from_url(url: str) -> str:
    """Return the libpq URL for postgresql://, postgres:// or postgis:// store URLs."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("postgresql", "postgres", "postgis"):
        raise StorageError(f"postgis store {redact_url(url)!r}: URL must look like postgresql://user@host:port/db")
    return f"postgresql://{rest}"


# SQLSTATE classes and codes that mean the server, not the statement, is the problem: connection exceptions
# (08), insufficient resources (53: too many connections, disk full), and the server shutting down or starting.
_UNAVAILABLE_CLASSES = ("08", "53")
_UNAVAILABLE_CODES = ("57P01", "57P02", "57P03")


def is_unavailable(exc: BaseException, conn: psycopg.Connection[Any] | None = None) -> bool:
    """Return whether a psycopg error says the server cannot be reached, rather than that a statement is wrong."""
    if isinstance(exc, PoolTimeout | psycopg.InterfaceError):
        return True
    if conn is not None and (conn.closed or conn.broken):
        return True
    if not isinstance(exc, psycopg.OperationalError):
        return False
    state = exc.sqlstate
    # A lost connection has no SQLSTATE: the server never answered.
    return state is None or state[:2] in _UNAVAILABLE_CLASSES or state in _UNAVAILABLE_CODES


def _rollback(conn: psycopg.Connection[Any]) -> None:
    try:
        conn.rollback()
    except psycopg.Error:
        logger.warning("postgis rollback failed", exc_info=True)


def _writable_again(conn: psycopg.Connection[Any]) -> None:
    """Reset a connection to read-write before it goes back to the pool; close it if that fails, so the pool drops it."""
    try:
        conn.read_only = False
    except psycopg.Error:
        logger.warning("postgis connection could not be made writable again; closing it", exc_info=True)
        conn.close()


class PostgisStore:
    """Store in PostgreSQL/PostGIS: a pooled connection per unit of work, committed or rolled back at its end."""

    name = "postgis"

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 10, timeout: float = 10.0) -> None:
        self.url = url
        self._where = f"postgis store {redact_url(url)}"
        self._timeout = timeout
        self._pool = ConnectionPool(
            conninfo_from_url(url),
            min_size=min_size,
            max_size=max_size,
            kwargs={"row_factory": dict_row},
            check=ConnectionPool.check_connection,
            timeout=timeout,
            # psycopg_pool retries a lost connection with doubling delays (1, 2, 4 … 64 s) for reconnect_timeout
            # (5 min by default), so after a 90 s outage its next try could come a minute after the server is
            # back. Giving up early lets the next getconn grow the pool afresh, at once.
            reconnect_timeout=max(5.0, timeout),
            name="gridwatch-store",
            open=True,
        )
        try:
            self._pool.wait(timeout=timeout)
        except PoolTimeout as exc:
            self._pool.close()
            raise StoreUnavailable(f"{self._where}: no connection within {timeout:g}s;"
                               " is the server running and the URL (host, port, user, database) right?") from exc
        logger.info("postgis store opened", extra={"url": redact_url(url), "max_size": max_size})

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            conn = self._pool.getconn()
        except PoolTimeout as exc:
            raise StoreUnavailable(f"{self._where}: no connection within {self._timeout:g}s") from exc
        except psycopg.Error as exc:  # the pool is closed
            raise StorageError(f"{self._where}: cannot get a connection: {exc}") from exc
        try:
            yield conn
        finally:
            self._pool.putconn(conn)

    def migrate(self) -> list[str]:
        """Apply pending SQL migrations in order, each in its own transaction; return the versions applied."""
        applied_now: list[str] = []
        with self._connection() as conn:
            try:
                conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
                # Only the owner may create tables; the app's own role just reads what is applied.
                if conn.execute("SELECT to_regclass('schema_migrations') IS NULL AS missing").fetchone()["missing"]:
                    conn.execute("CREATE TABLE schema_migrations"
                                 " (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
                applied = {row["version"] for row in conn.execute("SELECT version FROM schema_migrations")}
                conn.commit()
            except psycopg.Error as exc:
                _rollback(conn)
                raise StorageError(f"{self._where}: cannot read schema_migrations: {exc}") from exc
            try:
                for migration in pending(list_migrations(MIGRATIONS_PACKAGE), applied):
                    try:
                        conn.execute(migration.sql)  # no parameters: psycopg sends the whole file as one script
                        conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (migration.version,))
                        conn.commit()
                    except psycopg.Error as exc:
                        _rollback(conn)
                        raise StorageError(f"{self._where}: migration {migration.version} failed: {exc}") from exc
                    logger.info("postgis migration applied", extra={"version": migration.version})
                    applied_now.append(migration.version)
            finally:
                try:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))
                    conn.commit()
                except psycopg.Error:
                    logger.warning("postgis migration lock release failed", exc_info=True)
        return applied_now

    @contextmanager
    def unit_of_work(self) -> Iterator[SqlUnitOfWork]:
        """Open a transaction: commit when the block ends normally, roll back when it raises."""
        with self._connection() as conn:
            try:
                uow = SqlUnitOfWork(conn, DIALECT)
                yield uow
                uow.flush()
                conn.commit()
            except psycopg.Error as exc:
                _rollback(conn)
                state = f" [{exc.sqlstate}]" if exc.sqlstate else ""
                error = StoreUnavailable if is_unavailable(exc, conn) else StorageError
                raise error(f"{self._where}: unit of work failed{state}: {exc}") from exc
            except BaseException:
                _rollback(conn)
                raise

    @contextmanager
    def read_only(self) -> Iterator[SqlUnitOfWork]:
        """Open a read-only transaction on one snapshot: it takes no write lock, and any write raises StorageError."""
        with self._connection() as conn:
            try:
                # psycopg then opens the transaction with BEGIN READ ONLY: no extra round trip.
                conn.read_only = True
                yield SqlUnitOfWork(conn, DIALECT)
            except psycopg.Error as exc:
                state = f" [{exc.sqlstate}]" if exc.sqlstate else ""
                error = StoreUnavailable if is_unavailable(exc, conn) else StorageError
                raise error(f"{self._where}: read-only unit of work failed{state}: {exc}") from exc
            finally:
                _rollback(conn)
                _writable_again(conn)

    def grant_app_role(self, role: str) -> None:
        """Grant the role the app logs in as read/write on every table, but only INSERT and SELECT on the audit log."""
        ident = sql.Identifier(role)
        with self._connection() as conn:
            try:
                conn.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident))
                conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(ident))
                conn.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(ident))
                # History is written once: the app may add audit entries and read them, never change them.
                conn.execute(sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {}").format(ident))
                conn.commit()
            except psycopg.Error as exc:
                _rollback(conn)
                raise StorageError(f"{self._where}: cannot grant role {role!r}: {exc}") from exc

    def ping(self) -> bool:
        """Return whether the store answers."""
        try:
            with self._pool.connection(timeout=min(self._timeout, 2.0)) as conn:
                return conn.execute("SELECT 1 AS ok").fetchone()["ok"] == 1
        except (psycopg.Error, PoolTimeout):
            return False

    def close(self) -> None:
        """Close the pool and its connections."""
        self._pool.close()
