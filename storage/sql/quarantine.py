"""The quarantine of unknown devices: one row per device id, sightings added up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from iot.models import QuarantineEntry, SensorKind
from storage.sql.db import Db, delete_oldest
from storage.values import page

_COLUMNS = ("device_id", "topic", "first_seen_at", "last_seen_at", "messages", "payload_prefix", "lon", "lat", "crs",
            "suggested_kind")
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM device_quarantine"
# The first sighting's time stays; a sighting without a position or a suggested kind keeps the last one known.
_UPSERT = (
    f"INSERT INTO device_quarantine ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
    " ON CONFLICT (device_id) DO UPDATE SET"
    " messages = device_quarantine.messages + excluded.messages,"
    " first_seen_at = CASE WHEN excluded.first_seen_at < device_quarantine.first_seen_at"
    " THEN excluded.first_seen_at ELSE device_quarantine.first_seen_at END,"
    " last_seen_at = excluded.last_seen_at, topic = excluded.topic, payload_prefix = excluded.payload_prefix,"
    " lon = CASE WHEN excluded.lon IS NULL THEN device_quarantine.lon ELSE excluded.lon END,"
    " lat = CASE WHEN excluded.lon IS NULL THEN device_quarantine.lat ELSE excluded.lat END,"
    " crs = CASE WHEN excluded.lon IS NULL THEN device_quarantine.crs ELSE excluded.crs END,"
    " suggested_kind = CASE WHEN excluded.suggested_kind IS NULL THEN device_quarantine.suggested_kind"
    " ELSE excluded.suggested_kind END"
)


class SqlQuarantineRepository:
    """QuarantineRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _entry(self, row: Any) -> QuarantineEntry:
        kind = row["suggested_kind"]
        return QuarantineEntry(device_id=row["device_id"], topic=row["topic"],
                               first_seen_at=self._d.time_from_db(row["first_seen_at"]),
                               last_seen_at=self._d.time_from_db(row["last_seen_at"]), messages=row["messages"],
                               payload_prefix=bytes(row["payload_prefix"]), lon=row["lon"], lat=row["lat"],
                               crs=row["crs"], suggested_kind=None if kind is None else SensorKind(kind))

    def record_many(self, entries: Iterable[QuarantineEntry]) -> int:
        """Upsert sightings by device id (messages add up); return how many entries were given."""
        to_db = self._d.time_to_db
        rows = [(e.device_id, e.topic, to_db(e.first_seen_at, where=f"quarantine of {e.device_id}.first_seen_at"),
                 to_db(e.last_seen_at, where=f"quarantine of {e.device_id}.last_seen_at"), e.messages,
                 bytes(e.payload_prefix), e.lon, e.lat, e.crs,
                 None if e.suggested_kind is None else str(e.suggested_kind)) for e in entries]
        # One statement per device id: ON CONFLICT cannot touch one row twice in one statement.
        if rows:
            self._db.many(_UPSERT, rows)
        return len(rows)

    def get(self, device_id: str) -> QuarantineEntry | None:
        """Return the entry, or None."""
        row = self._db.one(f"{_SELECT} WHERE device_id = ?", (device_id,))
        return None if row is None else self._entry(row)

    def list(self, *, limit: int = 100, offset: int = 0) -> list[QuarantineEntry]:
        """Return entries, last seen first."""
        rows = self._db.execute(f"{_SELECT} ORDER BY last_seen_at DESC, device_id LIMIT ? OFFSET ?",
                                page(limit, offset))
        return [self._entry(r) for r in rows]

    def count(self) -> int:
        """Return how many devices are in quarantine."""
        return self._db.scalar("SELECT count(*) FROM device_quarantine")

    def delete(self, device_id: str) -> bool:
        """Remove an entry; return whether it existed."""
        if self._db.one("SELECT device_id FROM device_quarantine WHERE device_id = ?", (device_id,)) is None:
            return False
        self._db.execute("DELETE FROM device_quarantine WHERE device_id = ?", (device_id,))
        return True

    def delete_older_than(self, cutoff: datetime, *, limit: int = 1000) -> int:
        """Delete at most limit entries last seen before cutoff, oldest first; return how many were deleted."""
        # device_quarantine_last_seen_idx (migration 0010) serves both the cutoff and the order.
        return delete_oldest(self._db, table="device_quarantine", key="device_id", time_column="last_seen_at",
                             order="last_seen_at, device_id", cutoff=cutoff, limit=limit)
