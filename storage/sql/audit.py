"""The audit log: insert-only rows and a one-row head that lets verification see a cut-off tail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from audit.models import GENESIS_HASH, AuditEntry
from storage.sql.db import Db

_COLUMNS = ("id", "at", "actor", "role", "source_ip", "action", "target", "outcome", "detail", "prev_hash", "hash")


class SqlAuditRepository:
    """AuditRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def head(self, *, for_update: bool = False) -> tuple[int, str]:
        """Return the last entry's id and hash; for_update makes concurrent appenders take turns."""
        if for_update:
            self._d.lock_audit(self._db)
        row = self._db.one("SELECT last_id, last_hash FROM audit_head WHERE one = 1")
        return (0, GENESIS_HASH) if row is None else (row["last_id"], row["last_hash"])

    def append(self, entry: AuditEntry) -> None:
        """Insert an entry and move the head to it."""
        d = self._d
        marks = ", ".join(d.json_param if c == "detail" else "?" for c in _COLUMNS)
        self._db.execute(f"INSERT INTO audit_log ({', '.join(_COLUMNS)}) VALUES ({marks})", (
            entry.id, d.time_to_db(entry.at, where=f"audit entry {entry.id}.at"), entry.actor, entry.role,
            entry.source_ip, entry.action, entry.target, entry.outcome,
            d.json_to_db(entry.detail, where=f"audit entry {entry.id}.detail"), entry.prev_hash, entry.hash))
        self._db.execute("INSERT INTO audit_head (one, last_id, last_hash) VALUES (1, ?, ?)"
                         " ON CONFLICT (one) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash",
                         (entry.id, entry.hash))

    def entries(self, *, after_id: int = 0, limit: int | None = None) -> Iterator[AuditEntry]:
        """Yield entries with id > after_id in id order."""
        sql = f"SELECT {', '.join(_COLUMNS)} FROM audit_log WHERE id > ? ORDER BY id"
        params: list[Any] = [after_id]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        for row in self._db.execute(sql, params).fetchall():
            yield AuditEntry(id=row["id"], at=self._d.time_from_db(row["at"]), actor=row["actor"], role=row["role"],
                             source_ip=row["source_ip"], action=row["action"], target=row["target"],
                             outcome=row["outcome"], detail=self._d.json_from_db(row["detail"]),
                             prev_hash=row["prev_hash"], hash=row["hash"])

    def count(self) -> int:
        """Return how many entries the log holds."""
        return int(self._db.scalar("SELECT count(*) FROM audit_log"))
