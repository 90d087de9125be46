"""The live feed in SQLite; writers are serialised by BEGIN IMMEDIATE, so ids commit in order."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from storage.contract import FeedEntry
from storage.sqlite.codec import json_from_db, json_to_db, time_from_db, time_to_db
from storage.values import page, to_utc


class SqliteFeedRepository:
    """FeedRepository over one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def append(self, kind: str, payload: dict[str, Any], *, at: datetime) -> FeedEntry:
        """Append an entry; it becomes visible to readers when the unit of work commits."""
        at_utc = to_utc(at, where=f"feed entry {kind!r}.at")
        document = json_to_db(payload, where=f"feed entry {kind!r}.payload")
        cur = self._conn.execute("INSERT INTO feed (at, kind, payload) VALUES (?, ?, ?)",
                                 (time_to_db(at_utc, where="feed"), kind, document))
        # Hand back what readers will see (times as ISO text), not the caller's objects.
        return FeedEntry(id=cur.lastrowid, at=at_utc, kind=kind, payload=json_from_db(document))

    def since(self, last_id: int, *, limit: int = 500) -> list[FeedEntry]:
        """Return entries with id > last_id, oldest first."""
        rows = self._conn.execute("SELECT id, at, kind, payload FROM feed WHERE id > ? ORDER BY id LIMIT ?",
                                  (last_id, page(limit)[0]))
        return [FeedEntry(id=r["id"], at=time_from_db(r["at"]), kind=r["kind"], payload=json_from_db(r["payload"]))
                for r in rows]

    def last_id(self) -> int:
        """Return the newest entry's id, 0 when empty."""
        return self._conn.execute("SELECT coalesce(max(id), 0) FROM feed").fetchone()[0]
