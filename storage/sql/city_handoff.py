"""The city outbox and the inbound log: a claim counts the attempt and moves the row's due time (its lease)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cases.handoff.models import InboundKind, InboundMessage, OutboxMessage, OutboxState
from storage.contract import StorageError
from storage.sql.db import Db
from storage.values import page

_OUTBOX = ("id, case_id, kind, payload, idempotency_key, created_at, attempts, next_attempt_at, last_error,"
           " delivered_at, gave_up_at")
_PENDING = "delivered_at IS NULL AND gave_up_at IS NULL"
_STATE: dict[OutboxState, str] = {OutboxState.PENDING: _PENDING, OutboxState.DELIVERED: "delivered_at IS NOT NULL",
                                  OutboxState.FAILED: "gave_up_at IS NOT NULL"}
# A claim's outcome is written only while the row is still that claim's: pending, at the attempt it counted.
_OURS = f"WHERE id = ? AND attempts = ? AND {_PENDING}"


class SqlCityOutboxRepository:
    """CityOutboxRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _message(self, row: Any) -> OutboxMessage:
        d = self._d
        return OutboxMessage(id=row["id"], case_id=row["case_id"], kind=row["kind"],
                             payload=d.json_from_db(row["payload"]), idempotency_key=row["idempotency_key"],
                             created_at=d.time_from_db(row["created_at"]), attempts=row["attempts"],
                             next_attempt_at=d.time_from_db(row["next_attempt_at"]), last_error=row["last_error"],
                             delivered_at=d.optional_time_from_db(row["delivered_at"]),
                             gave_up_at=d.optional_time_from_db(row["gave_up_at"]))

    def _time(self, value: datetime, where: str) -> Any:
        return self._d.time_to_db(value, where=f"city outbox {where}")

    def add(self, message: OutboxMessage) -> OutboxMessage:
        """Store a new message and return it with its id; an idempotency key already stored raises StorageError."""
        where = f"city outbox message {message.idempotency_key!r}"
        rows = self._db.execute(
            "INSERT INTO city_outbox (case_id, kind, payload, idempotency_key, created_at, attempts, next_attempt_at,"
            f" last_error) VALUES (?, ?, {self._d.json_param}, ?, ?, ?, ?, ?)"
            f" ON CONFLICT (idempotency_key) DO NOTHING RETURNING {_OUTBOX}",
            (message.case_id, message.kind, self._d.json_to_db(message.payload, where=f"{where}.payload"),
             message.idempotency_key, self._time(message.created_at, "created_at"), message.attempts,
             self._time(message.next_attempt_at, "next_attempt_at"), message.last_error)).fetchall()
        if not rows:
            raise StorageError(f"{where}: that idempotency key is already in the outbox")
        return self._message(rows[0])

    def get(self, message_id: int) -> OutboxMessage | None:
        """Return the message, or None."""
        row = self._db.one(f"SELECT {_OUTBOX} FROM city_outbox WHERE id = ?", (message_id,))
        return None if row is None else self._message(row)

    def list(self, *, state: OutboxState | None = None, limit: int = 100, offset: int = 0) -> list[OutboxMessage]:
        """Return messages in a state (None: all), newest first."""
        condition = "" if state is None else f" WHERE {_STATE[state]}"
        rows = self._db.execute(f"SELECT {_OUTBOX} FROM city_outbox{condition} ORDER BY id DESC LIMIT ? OFFSET ?",
                                page(limit, offset))
        return [self._message(r) for r in rows]

    def count(self, *, state: OutboxState | None = None) -> int:
        """Return how many messages are in a state (None: all)."""
        condition = "" if state is None else f" WHERE {_STATE[state]}"
        return self._db.scalar(f"SELECT count(*) FROM city_outbox{condition}")

    def claim_due(self, *, now: datetime, lease_until: datetime, limit: int) -> list[OutboxMessage]:
        """Take at most limit pending messages due at now, oldest due first: count the attempt and move their next
        attempt to lease_until, so no other worker takes them until then; return them as claimed.

        A claim is its own short unit of work: commit it before sending. Claims never wait for each other on
        PostGIS (rows another claim holds are skipped) and take turns on SQLite (one writer).
        """
        rows = self._db.execute(
            f"UPDATE city_outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id IN"
            f" (SELECT id FROM city_outbox WHERE {_PENDING} AND next_attempt_at <= ?"
            f" ORDER BY next_attempt_at, id LIMIT ?{self._d.skip_locked}) RETURNING {_OUTBOX}",
            (self._time(lease_until, "lease"), self._time(now, "claim time"), page(limit)[0])).fetchall()
        return sorted((self._message(r) for r in rows), key=lambda m: m.id or 0)

    def mark_delivered(self, message_id: int, *, attempt: int, at: datetime) -> bool:
        """Record the delivery of the claim numbered attempt; False when the message moved on (another claim)."""
        return self._db.execute(f"UPDATE city_outbox SET delivered_at = ?, last_error = '' {_OURS}",
                                (self._time(at, "delivered_at"), message_id, attempt)).rowcount == 1

    def mark_retry(self, message_id: int, *, attempt: int, next_attempt_at: datetime, error: str) -> bool:
        """Record a failed attempt to retry at next_attempt_at; False when the message moved on."""
        return self._db.execute(f"UPDATE city_outbox SET next_attempt_at = ?, last_error = ? {_OURS}",
                                (self._time(next_attempt_at, "next_attempt_at"), error, message_id,
                                 attempt)).rowcount == 1

    def mark_gave_up(self, message_id: int, *, attempt: int, at: datetime, error: str) -> bool:
        """Record that the claim numbered attempt gave the message up; False when the message moved on."""
        return self._db.execute(f"UPDATE city_outbox SET gave_up_at = ?, last_error = ? {_OURS}",
                                (self._time(at, "gave_up_at"), error, message_id, attempt)).rowcount == 1

    def retry_failed(self, message_id: int, *, at: datetime) -> OutboxMessage | None:
        """Make a given-up message pending again, due at at with its attempts counted afresh; None unless failed."""
        rows = self._db.execute(
            "UPDATE city_outbox SET gave_up_at = NULL, attempts = 0, next_attempt_at = ?"
            f" WHERE id = ? AND gave_up_at IS NOT NULL RETURNING {_OUTBOX}",
            (self._time(at, "retry"), message_id)).fetchall()
        return self._message(rows[0]) if rows else None


class SqlCityInboundRepository:
    """CityInboundRepository over one connection; the message id's primary key makes a receipt happen once."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def record(self, message: InboundMessage) -> bool:
        """Store a message under its id and return True; False (writing nothing) when that id is already stored.

        On PostGIS a concurrent record of the same id waits for the first to end, then answers False.
        """
        where = f"city message {message.message_id!r}"
        rows = self._db.execute(
            "INSERT INTO city_inbound (message_id, received_at, kind, case_id, city_ref, payload, result)"
            f" VALUES (?, ?, ?, ?, ?, {self._d.json_param}, {self._d.json_param})"
            " ON CONFLICT (message_id) DO NOTHING RETURNING message_id",
            (message.message_id, self._d.time_to_db(message.received_at, where=f"{where}.received_at"),
             str(message.kind), message.case_id, message.city_ref,
             self._d.json_to_db(message.payload, where=f"{where}.payload"),
             self._d.json_to_db(message.result, where=f"{where}.result"))).fetchall()
        return len(rows) == 1

    def set_result(self, message_id: str, *, result: dict[str, Any], case_id: int | None) -> None:
        """Store the answer a recorded message got, and the case it concerned."""
        self._db.execute(f"UPDATE city_inbound SET result = {self._d.json_param}, case_id = ? WHERE message_id = ?",
                         (self._d.json_to_db(result, where=f"city message {message_id!r}.result"), case_id,
                          message_id))

    def get(self, message_id: str) -> InboundMessage | None:
        """Return the stored message, or None."""
        row = self._db.one("SELECT message_id, received_at, kind, case_id, city_ref, payload, result"
                           " FROM city_inbound WHERE message_id = ?", (message_id,))
        if row is None:
            return None
        d = self._d
        return InboundMessage(message_id=row["message_id"], received_at=d.time_from_db(row["received_at"]),
                              kind=InboundKind(row["kind"]), case_id=row["case_id"], city_ref=row["city_ref"],
                              payload=d.json_from_db(row["payload"]), result=d.json_from_db(row["result"]))
