"""Teams: positions that only move forward in time, and a claim that cannot be won twice."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from cases.models import Platform, Team, TeamStatus
from storage import revisions
from storage.contract import StorageError
from storage.revisions import PendingRevisions
from storage.sql.db import Db, equals, where

_COLUMNS = "id, name, platform, status, lon, lat, position_at, members, phone"
_READ = _COLUMNS + ", reported_at, silent_since"


class SqlTeamRepository:
    """TeamRepository over one connection."""

    def __init__(self, db: Db, pending: PendingRevisions) -> None:
        self._db = db
        self._d = db.dialect
        self._revisions = pending
        # Teams this unit of work moved (or whose silence changed): stamped with the new positions revision.
        self._moved: set[str] = set()

    def _team(self, row: Any) -> Team:
        return Team(id=row["id"], name=row["name"], platform=Platform(row["platform"]),
                    status=TeamStatus(row["status"]), lon=row["lon"], lat=row["lat"],
                    position_at=self._d.optional_time_from_db(row["position_at"]), members=row["members"],
                    phone=row["phone"], reported_at=self._d.optional_time_from_db(row["reported_at"]),
                    silent_since=self._d.optional_time_from_db(row["silent_since"]))

    def _changed(self, changed: bool) -> bool:
        if changed:
            self._revisions.touch(revisions.TEAMS)
        return changed

    def _moved_one(self, team_id: str, changed: bool) -> bool:
        # A move is not a roster change: the index fetches this team alone instead of rebuilding (cases.locator).
        if changed:
            self._moved.add(team_id)
            self._revisions.touch(revisions.TEAM_POSITIONS)
        return changed

    def stamp_moves(self, revision: int) -> None:
        """Stamp the teams this unit of work moved with the positions revision just bumped (called by the bump)."""
        self._db.many("UPDATE teams SET position_rev = ? WHERE id = ?", [(revision, t) for t in sorted(self._moved)])
        self._moved.clear()

    def upsert_many(self, teams: Iterable[Team]) -> int:
        """Insert teams, or update an existing team's name, platform, members and phone; live status and reported position stay."""
        rows = [(t.id, t.name, str(t.platform), str(t.status), t.lon, t.lat,
                 self._d.optional_time_to_db(t.position_at, where=f"team {t.id}.position_at"), t.members, t.phone)
                for t in teams]
        if not rows:
            return 0
        self._db.many(
            f"INSERT INTO teams ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
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

    def replace_all(self, teams: Iterable[Team]) -> int:
        """Make these the teams, written in full; a team an assignment names stays, off duty; return how many were written."""
        teams = list(teams)
        # Assignments refer to teams: a team named by one stays, but is never dispatched again.
        self._db.execute("DELETE FROM teams WHERE id NOT IN (SELECT team_id FROM assignments)")
        # A team out on an active assignment stays busy until that assignment gives it back.
        on_duty = "id IN (SELECT team_id FROM assignments WHERE released_at IS NULL)"
        self._db.execute(f"UPDATE teams SET status = ? WHERE NOT {on_duty}", (str(TeamStatus.OFF_DUTY),))
        # A kept team that the new town has too takes the file's status and base, not the old town's.
        self._db.many(f"UPDATE teams SET status = ?, lon = NULL, lat = NULL, position_at = NULL, reported_at = NULL,"
                      f" silent_since = NULL WHERE id = ? AND NOT {on_duty}",
                      [(str(t.status), t.id) for t in teams])
        self._revisions.touch(revisions.TEAMS)
        return self.upsert_many(teams)

    def get(self, team_id: str) -> Team | None:
        """Return the team, or None."""
        row = self._db.one(f"SELECT {_READ} FROM teams WHERE id = ?", (team_id,))
        return None if row is None else self._team(row)

    def all(self) -> list[Team]:
        """Return every team ordered by id."""
        return [self._team(r) for r in self._db.execute(f"SELECT {_READ} FROM teams ORDER BY id")]

    def list(self, *, platform: Platform | None = None, status: TeamStatus | None = None) -> list[Team]:
        """Return teams ordered by id, optionally of one platform and status."""
        clause, params = where(equals("platform", platform), equals("status", status))
        return [self._team(r) for r in self._db.execute(f"SELECT {_READ} FROM teams{clause} ORDER BY id", params)]

    def update_position(self, team_id: str, *, lon: float, lat: float, at: datetime,
                        received_at: datetime | None = None) -> bool:
        """Move the team if at is newer than its last position (it reports again, at received_at or at); return whether it moved."""
        stamp = self._d.time_to_db(at, where=f"position of team {team_id}.at")
        heard = self._d.time_to_db(received_at or at, where=f"position of team {team_id}.received_at")
        cur = self._db.execute(
            "UPDATE teams SET lon = ?, lat = ?, position_at = ?, reported_at = ?, silent_since = NULL"
            " WHERE id = ? AND (position_at IS NULL OR position_at < ?)",
            (lon, lat, stamp, heard, team_id, stamp),
        )
        return self._moved_one(team_id, cur.rowcount == 1)

    def mark_reporting(self, team_id: str, *, at: datetime) -> None:
        """Note that the team's phone reported at this server time (a position that did not move it); clear silent."""
        heard = self._d.time_to_db(at, where=f"report of team {team_id}.at")
        cur = self._db.execute(
            "UPDATE teams SET reported_at = ?, silent_since = NULL"
            " WHERE id = ? AND (reported_at IS NULL OR reported_at < ? OR silent_since IS NOT NULL)",
            (heard, team_id, heard))
        self._moved_one(team_id, cur.rowcount == 1)

    def mark_silent(self, *, reported_before: datetime, at: datetime) -> list[Team]:
        """Mark silent, since at, every team on duty whose phone last reported before the cutoff; return them."""
        cutoff = self._d.time_to_db(reported_before, where="silent teams' cutoff")
        rows = self._db.execute(
            f"SELECT {_READ} FROM teams WHERE silent_since IS NULL AND reported_at IS NOT NULL AND reported_at < ?"
            " AND status <> ? ORDER BY id", (cutoff, str(TeamStatus.OFF_DUTY))).fetchall()
        if not rows:
            return []
        since = self._d.time_to_db(at, where="silent teams' since")
        silent: list[Team] = []
        for row in rows:
            # Guarded again: a position committed since the SELECT (another process) keeps its team reporting.
            cur = self._db.execute("UPDATE teams SET silent_since = ? WHERE id = ? AND silent_since IS NULL"
                                   " AND reported_at < ?", (since, row["id"], cutoff))
            if cur.rowcount == 1 and self._moved_one(row["id"], True):
                silent.append(replace(self._team(row), silent_since=at))
        return silent

    def moved_since(self, revision: int) -> list[Team]:
        """Return the teams moved (or whose silence changed) by a positions revision above this one."""
        return [self._team(r) for r in self._db.execute(
            f"SELECT {_READ} FROM teams WHERE position_rev > ? ORDER BY id", (revision,))]

    def claim(self, team_id: str) -> bool:
        """Atomically turn an available team busy; return False if it was not available."""
        # A concurrent claimer waits (PostgreSQL: on the row lock; SQLite: for the write lock),
        # then re-checks status and finds it busy.
        cur = self._db.execute("UPDATE teams SET status = ? WHERE id = ? AND status = ?",
                               (str(TeamStatus.BUSY), team_id, str(TeamStatus.AVAILABLE)))
        return self._changed(cur.rowcount == 1)

    def set_status(self, team_id: str, status: TeamStatus) -> None:
        """Set the team's status; raise StorageError for an unknown team."""
        cur = self._db.execute("UPDATE teams SET status = ? WHERE id = ?", (str(status), team_id))
        if cur.rowcount == 0:
            raise StorageError(f"team {team_id!r}: not found, status not set")
        self._revisions.touch(revisions.TEAMS)

    def revision(self) -> int:
        """Return a number that changes whenever a team is added, changed or claimed (a move alone: positions_revision)."""
        return self._revisions.current(revisions.TEAMS)

    def positions_revision(self) -> int:
        """Return a number that changes whenever a team moves or its phone falls silent or reports again."""
        return self._revisions.current(revisions.TEAM_POSITIONS)
