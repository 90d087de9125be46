"""The live feed: an id is a reader's cursor, so the dialect's feed locks keep ids visible in order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feed import FeedEntry
from storage.sql.db import Db, delete_oldest
from storage.values import page, to_utc


class SqlFeedRepository:
    """FeedRepository over one connection; read the feed in a unit of work of its own."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def append(self, kind: str, payload: dict[str, Any], *, at: datetime) -> FeedEntry:
        """Append an entry; it becomes visible to readers when the unit of work commits."""
        at_utc = to_utc(at, where=f"feed entry {kind!r}.at")
        document = self._d.json_to_db(payload, where=f"feed entry {kind!r}.payload")
        self._d.lock_feed_for_append(self._db)
        row = self._db.insert(f"INSERT INTO feed (at, kind, payload) VALUES (?, ?, {self._d.json_param})"
                              " RETURNING id, payload", (self._d.time_to_db(at_utc, where="feed"), kind, document))
        # Hand back what readers will see (the stored document, times as ISO text), not the caller's objects.
        return FeedEntry(id=row["id"], at=at_utc, kind=kind, payload=self._d.json_from_db(row["payload"]))

    def since(self, last_id: int, *, limit: int = 500) -> list[FeedEntry]:
        """Return entries with id > last_id, oldest first."""
        self._d.lock_feed_for_read(self._db)
        rows = self._db.execute("SELECT id, at, kind, payload FROM feed WHERE id > ? ORDER BY id LIMIT ?",
                                (last_id, page(limit)[0]))
        return [FeedEntry(id=r["id"], at=self._d.time_from_db(r["at"]), kind=r["kind"],
                          payload=self._d.json_from_db(r["payload"])) for r in rows]

    def last_id(self) -> int:
        """Return the newest entry's id, 0 when empty."""
        self._d.lock_feed_for_read(self._db)
        return self._db.scalar("SELECT coalesce(max(id), 0) FROM feed")

    def delete_older_than(self, cutoff: datetime, *, limit: int = 1000) -> int:
        """Delete at most limit entries appended before cutoff, oldest first; return how many were deleted."""
        # Ids are never handed out again, so a reader's cursor past a deleted entry stays valid.
        return delete_oldest(self._db, table="feed", key="id", time_column="at",
                             order="id", cutoff=cutoff, limit=limit)
