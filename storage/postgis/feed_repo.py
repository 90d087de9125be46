"""The live feed in PostGIS, read only when no writer is half way, so no reader moves past an id still to come.

Ids come from a sequence, so a writer that took id 10 may commit after one that took id 11; a reader that saw 11
would then skip 10 for good. Writers therefore hold a shared advisory lock from append until commit, and readers
take the same lock exclusively: they wait until every writer in flight has ended, then read a gap-free prefix.
Writers never wait for one another, so the lock adds no deadlock with the row locks of claims and positions.
Read the feed in a unit of work of its own: the exclusive lock is held until that unit of work ends.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import Connection

from storage.contract import FeedEntry
from storage.postgis.codec import json_to_db, time_from_db
from storage.values import page, to_utc

# Any fixed 64-bit number unique to this lock; it spells "gridfeed".
FEED_LOCK_KEY = 0x6772696466656564


class PostgisFeedRepository:
    """FeedRepository over one psycopg connection."""

    def __init__(self, conn: Connection[Any]) -> None:
        self._conn = conn

    def _wait_for_writers(self) -> None:
        self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (FEED_LOCK_KEY,))

    def append(self, kind: str, payload: dict[str, Any], *, at: datetime) -> FeedEntry:
        """Append an entry; it becomes visible to readers when the unit of work commits."""
        at_utc = to_utc(at, where=f"feed entry {kind!r}.at")
        document = json_to_db(payload, where=f"feed entry {kind!r}.payload")
        self._conn.execute("SELECT pg_advisory_xact_lock_shared(%s)", (FEED_LOCK_KEY,))
        row = self._conn.execute("INSERT INTO feed (at, kind, payload) VALUES (%s, %s, %s::jsonb) RETURNING id, payload",
                                 (at_utc, kind, document)).fetchone()
        return FeedEntry(id=row["id"], at=at_utc, kind=kind, payload=row["payload"])

    def since(self, last_id: int, *, limit: int = 500) -> list[FeedEntry]:
        """Return entries with id > last_id, oldest first."""
        self._wait_for_writers()
        rows = self._conn.execute("SELECT id, at, kind, payload FROM feed WHERE id > %s ORDER BY id LIMIT %s",
                                  (last_id, page(limit)[0]))
        return [FeedEntry(id=r["id"], at=time_from_db(r["at"]), kind=r["kind"], payload=r["payload"]) for r in rows]

    def last_id(self) -> int:
        """Return the newest entry's id, 0 when empty."""
        self._wait_for_writers()
        return self._conn.execute("SELECT coalesce(max(id), 0) AS id FROM feed").fetchone()["id"]
