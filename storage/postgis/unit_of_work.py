"""One PostgreSQL transaction holding every repository."""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from storage.postgis.alert_repo import PostgisAlertRepository
from storage.postgis.camera_repo import PostgisCameraRepository
from storage.postgis.case_repo import PostgisCaseRepository
from storage.postgis.feed_repo import PostgisFeedRepository
from storage.postgis.grid_repo import PostgisGridRepository
from storage.postgis.iot_repo import PostgisDeadLetterRepository, PostgisDeviceRepository, PostgisReadingRepository
from storage.postgis.team_repo import PostgisTeamRepository
from storage.revisions import PendingRevisions


class PostgisUnitOfWork:
    """The repositories of one transaction on one pooled connection; the store commits or rolls it back."""

    def __init__(self, conn: Connection[Any]) -> None:
        self._conn = conn
        self._revisions = PendingRevisions(self._bump_revision, self._read_revision)
        self.grids = PostgisGridRepository(conn, self._revisions)
        self.devices = PostgisDeviceRepository(conn)
        self.readings = PostgisReadingRepository(conn)
        self.dead_letters = PostgisDeadLetterRepository(conn)
        self.cameras = PostgisCameraRepository(conn, self._revisions)
        self.alerts = PostgisAlertRepository(conn)
        self.cases = PostgisCaseRepository(conn)
        self.teams = PostgisTeamRepository(conn, self._revisions)
        self.feed = PostgisFeedRepository(conn)

    def flush(self) -> None:
        """Write what is pending (revision bumps) before the commit."""
        self._revisions.flush()

    def _bump_revision(self, name: str) -> None:
        self._conn.execute("INSERT INTO revisions (name, value) VALUES (%s, 1)"
                           " ON CONFLICT (name) DO UPDATE SET value = revisions.value + 1", (name,))

    def _read_revision(self, name: str) -> int:
        row = self._conn.execute("SELECT value FROM revisions WHERE name = %s", (name,)).fetchone()
        return 0 if row is None else row["value"]
