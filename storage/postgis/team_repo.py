"""Teams in PostGIS: positions that only move forward in time, and a claim that cannot be won twice."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from psycopg import Connection

from cases.models import Platform, Team, TeamStatus
from storage import revisions
from storage.contract import StorageError
from storage.postgis.codec import optional_time_from_db, optional_time_to_db, time_to_db
from storage.revisions import PendingRevisions

_COLUMNS = "id, name, platform, status, lon, lat, position_at, members, phone"


def _team(row: dict[str, Any]) -> Team:
    return Team(id=row["id"], name=row["name"], platform=Platform(row["platform"]), status=TeamStatus(row["status"]),
                lon=row["lon"], lat=row["lat"], position_at=optional_time_from_db(row["position_at"]),
                members=row["members"], phone=row["phone"])


class PostgisTeamRepository:
    """TeamRepository over one psycopg connection."""

    def __init__(self, conn: Connection[Any], pending: PendingRevisions) -> None:
        self._conn = conn
        self._revisions = pending

    def upsert_many(self, teams: Iterable[Team]) -> int:
        """Insert teams, or update an existing team's name, platform, members and phone; live status and reported position stay."""
        rows = [(t.id, t.name, str(t.platform), str(t.status), t.lon, t.lat,
                 optional_time_to_db(t.position_at, where=f"team {t.id}.position_at"), t.members, t.phone) for t in teams]
        if not rows:
            return 0
        with self._conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO teams ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
                # A reloaded town file must not free a busy team or pull a reporting team back to its base.
                " ON CONFLICT (id) DO UPDATE SET name = excluded.name, platform = excluded.platform,"
                " members = excluded.members, phone = excluded.phone,"
                " lon = CASE WHEN teams.position_at IS NULL THEN excluded.lon ELSE teams.lon END,"
                " lat = CASE WHEN teams.position_at IS NULL THEN excluded.lat ELSE teams.lat END,"
                " position_at = coalesce(teams.position_at, excluded.position_at)",
                rows,
            )
        self._revisions.touch(revisions.TEAMS)
        return len(rows)

    def get(self, team_id: str) -> Team | None:
        """Return the team, or None."""
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM teams WHERE id = %s", (team_id,)).fetchone()
        return None if row is None else _team(row)

    def all(self) -> list[Team]:
        """Return every team ordered by id."""
        return [_team(r) for r in self._conn.execute(f"SELECT {_COLUMNS} FROM teams ORDER BY id")]

    def list(self, *, platform: Platform | None = None, status: TeamStatus | None = None) -> list[Team]:
        """Return teams ordered by id, optionally of one platform and status."""
        clauses: list[str] = []
        params: list[Any] = []
        if platform is not None:
            clauses.append("platform = %s")
            params.append(str(platform))
        if status is not None:
            clauses.append("status = %s")
            params.append(str(status))
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return [_team(r) for r in self._conn.execute(f"SELECT {_COLUMNS} FROM teams{where} ORDER BY id", params)]

    def update_position(self, team_id: str, *, lon: float, lat: float, at: datetime) -> bool:
        """Move the team if at is newer than its last position; return whether it moved."""
        stamp = time_to_db(at, where=f"position of team {team_id}.at")
        cur = self._conn.execute(
            "UPDATE teams SET lon = %s, lat = %s, position_at = %s"
            " WHERE id = %s AND (position_at IS NULL OR position_at < %s)",
            (lon, lat, stamp, team_id, stamp),
        )
        moved = cur.rowcount == 1
        if moved:
            self._revisions.touch(revisions.TEAMS)
        return moved

    def claim(self, team_id: str) -> bool:
        """Atomically turn an available team busy; return False if it was not available."""
        # A concurrent claimer waits on the row lock, then re-checks status and finds it busy.
        cur = self._conn.execute("UPDATE teams SET status = %s WHERE id = %s AND status = %s",
                                 (str(TeamStatus.BUSY), team_id, str(TeamStatus.AVAILABLE)))
        claimed = cur.rowcount == 1
        if claimed:
            self._revisions.touch(revisions.TEAMS)
        return claimed

    def set_status(self, team_id: str, status: TeamStatus) -> None:
        """Set the team's status; raise StorageError for an unknown team."""
        cur = self._conn.execute("UPDATE teams SET status = %s WHERE id = %s", (str(status), team_id))
        if cur.rowcount == 0:
            raise StorageError(f"team {team_id!r}: not found, status not set")
        self._revisions.touch(revisions.TEAMS)

    def revision(self) -> int:
        """Return a number that changes whenever any team changes."""
        return self._revisions.current(revisions.TEAMS)
