"""One SQLite transaction holding every repository."""

from __future__ import annotations

import sqlite3

from storage.revisions import PendingRevisions
from storage.sqlite.alert_repo import SqliteAlertRepository
from storage.sqlite.camera_repo import SqliteCameraRepository
from storage.sqlite.case_repo import SqliteCaseRepository
from storage.sqlite.feed_repo import SqliteFeedRepository
from storage.sqlite.grid_repo import SqliteGridRepository
from storage.sqlite.iot_repo import SqliteDeadLetterRepository, SqliteDeviceRepository, SqliteReadingRepository
from storage.sqlite.team_repo import SqliteTeamRepository


class SqliteUnitOfWork:
    """The repositories of one transaction on one connection; the store commits or rolls it back."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._revisions = PendingRevisions(self._bump_revision, self._read_revision)
        self.grids = SqliteGridRepository(conn, self._revisions)
        self.devices = SqliteDeviceRepository(conn)
        self.readings = SqliteReadingRepository(conn)
        self.dead_letters = SqliteDeadLetterRepository(conn)
        self.cameras = SqliteCameraRepository(conn, self._revisions)
        self.alerts = SqliteAlertRepository(conn)
        self.cases = SqliteCaseRepository(conn)
        self.teams = SqliteTeamRepository(conn, self._revisions)
        self.feed = SqliteFeedRepository(conn)

    def flush(self) -> None:
        """Write what is pending (revision bumps) before the commit."""
        self._revisions.flush()

    def _bump_revision(self, name: str) -> None:
        self._conn.execute("INSERT INTO revisions (name, value) VALUES (?, 1)"
                           " ON CONFLICT (name) DO UPDATE SET value = value + 1", (name,))

    def _read_revision(self, name: str) -> int:
        row = self._conn.execute("SELECT value FROM revisions WHERE name = ?", (name,)).fetchone()
        return 0 if row is None else row[0]
