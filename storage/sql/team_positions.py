"""Team tracks: every position a phone reported, written once per (team, time taken)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cases.models import TrackPoint
from storage.sql.db import Condition, Db, delete_oldest, where
from storage.values import page


class SqlTeamTrackRepository:
    """TeamTrackRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def add(self, point: TrackPoint) -> bool:
        """Append a position to the team's track; return False when (team_id, ts) is already there (a redelivery)."""
        row = (point.team_id, self._d.time_to_db(point.ts, where=f"track of team {point.team_id}.ts"),
               point.lon, point.lat,
               self._d.time_to_db(point.received_at, where=f"track of team {point.team_id}.received_at"))
        cur = self._db.execute("INSERT INTO team_positions (team_id, ts, lon, lat, received_at) VALUES (?, ?, ?, ?, ?)"
                               " ON CONFLICT (team_id, ts) DO NOTHING", row)
        return cur.rowcount == 1

    def _window(self, team_id: str, since: datetime | None, until: datetime | None) -> tuple[str, list[Any]]:
        conditions: list[Condition | None] = [("team_id = ?", [team_id])]
        if since is not None:
            conditions.append(("ts >= ?", [self._d.time_to_db(since, where="track since")]))
        if until is not None:
            conditions.append(("ts < ?", [self._d.time_to_db(until, where="track until")]))
        return where(*conditions)

    def list(self, team_id: str, *, since: datetime | None = None, until: datetime | None = None,
             limit: int = 1000, offset: int = 0) -> list[TrackPoint]:
        """Return the team's track between since (inclusive) and until (exclusive), oldest first."""
        clause, params = self._window(team_id, since, until)
        rows = self._db.execute(f"SELECT team_id, ts, lon, lat, received_at FROM team_positions{clause}"
                                " ORDER BY ts LIMIT ? OFFSET ?", (*params, *page(limit, offset)))
        return [TrackPoint(team_id=r["team_id"], ts=self._d.time_from_db(r["ts"]), lon=r["lon"], lat=r["lat"],
                           received_at=self._d.time_from_db(r["received_at"])) for r in rows]

    def count(self, team_id: str, *, since: datetime | None = None, until: datetime | None = None) -> int:
        """Return how many positions of the team's track lie in the window."""
        clause, params = self._window(team_id, since, until)
        return int(self._db.scalar(f"SELECT count(*) FROM team_positions{clause}", params))

    def delete_older_than(self, cutoff: datetime, *, limit: int = 1000) -> int:
        """Delete at most limit positions taken before cutoff, oldest first; return how many went."""
        return delete_oldest(self._db, table="team_positions", key="(team_id, ts)", time_column="ts",
                             order="ts", cutoff=cutoff, limit=limit)
