"""Reporters of cases and the outbox of notices owed to them."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from cases.reporters import FEEDBACK_KINDS, CaseReporter, NoticeKind, ReporterNotice
from storage.sql.db import Db
from storage.values import page

_REPORTER_COLUMNS = ("case_id, name, phone, channel, reported_at, merged_from, rating_token_hash, rated_at,"
                     " satisfaction, comment, notified_at, last_notice, last_notice_at")
_REPORTER_SELECT = f"SELECT id, {_REPORTER_COLUMNS} FROM case_reporters"
_NOTICE_SELECT = ("SELECT id, case_id, reporter_id, kind, text, wants_rating, created_at, sent_at, attempts, last_error"
                  " FROM reporter_notices")
# Longest error text kept per notice: a gateway's answer, not its whole page.
MAX_ERROR_CHARS = 500


class SqlReporterRepository:
    """ReporterRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _reporter(self, row: Any) -> CaseReporter:
        d = self._d
        return CaseReporter(
            id=row["id"], case_id=row["case_id"], name=row["name"], phone=row["phone"], channel=row["channel"],
            reported_at=d.time_from_db(row["reported_at"]), merged_from=row["merged_from"],
            rating_token_hash=row["rating_token_hash"], rated_at=d.optional_time_from_db(row["rated_at"]),
            satisfaction=row["satisfaction"], comment=row["comment"],
            notified_at=d.optional_time_from_db(row["notified_at"]), last_notice=row["last_notice"],
            last_notice_at=d.optional_time_from_db(row["last_notice_at"]))

    def add(self, reporter: CaseReporter) -> CaseReporter:
        """Store a reporter of a case and return it with its id."""
        d, where = self._d, f"reporter of case {reporter.case_id}"
        row = self._db.insert(
            f"INSERT INTO case_reporters ({_REPORTER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            (reporter.case_id, reporter.name, reporter.phone, reporter.channel,
             d.time_to_db(reporter.reported_at, where=f"{where}.reported_at"), reporter.merged_from,
             reporter.rating_token_hash, d.optional_time_to_db(reporter.rated_at, where=f"{where}.rated_at"),
             reporter.satisfaction, reporter.comment,
             d.optional_time_to_db(reporter.notified_at, where=f"{where}.notified_at"), reporter.last_notice,
             d.optional_time_to_db(reporter.last_notice_at, where=f"{where}.last_notice_at")))
        return dataclasses.replace(reporter, id=row["id"])

    def get(self, reporter_id: int) -> CaseReporter | None:
        """Return the reporter, or None."""
        row = self._db.one(f"{_REPORTER_SELECT} WHERE id = ?", (reporter_id,))
        return None if row is None else self._reporter(row)

    def for_case(self, case_id: int) -> list[CaseReporter]:
        """Return the case's reporters, first reported first."""
        rows = self._db.execute(f"{_REPORTER_SELECT} WHERE case_id = ? ORDER BY reported_at, id", (case_id,))
        return [self._reporter(r) for r in rows]

    def by_token_hash(self, token_hash: str) -> CaseReporter | None:
        """Return the reporter whose current rating link has this token hash."""
        row = self._db.one(f"{_REPORTER_SELECT} WHERE rating_token_hash = ?", (token_hash,))
        return None if row is None else self._reporter(row)

    def move_to_case(self, *, from_case_id: int, to_case_id: int) -> list[CaseReporter]:
        """Move a merged case's reporters onto the case it joined (merged_from: the case they left); return them."""
        rows = self._db.execute(
            "UPDATE case_reporters SET case_id = ?, merged_from = ? WHERE case_id = ?"
            f" RETURNING id, {_REPORTER_COLUMNS}",
            (to_case_id, from_case_id, from_case_id)).fetchall()
        return sorted((self._reporter(r) for r in rows), key=lambda r: (r.reported_at, r.id))

    def set_token_hash(self, reporter_id: int, token_hash: str) -> None:
        """Make token_hash the reporter's rating link (an earlier link stops working)."""
        self._db.execute("UPDATE case_reporters SET rating_token_hash = ? WHERE id = ?", (token_hash, reporter_id))

    def record_rating(self, reporter_id: int, *, satisfaction: int, comment: str, at: datetime) -> bool:
        """Record the reporter's rating once; return False when the reporter had already rated."""
        return self._db.execute(
            "UPDATE case_reporters SET satisfaction = ?, comment = ?, rated_at = ? WHERE id = ? AND rated_at IS NULL",
            (satisfaction, comment, self._d.time_to_db(at, where=f"rating of reporter {reporter_id}"), reporter_id),
        ).rowcount == 1

    def mark_notified(self, reporter_id: int, *, kind: NoticeKind, at: datetime) -> None:
        """Note a delivered notice: the last one, and notified_at at the first that counts as feedback."""
        when = self._d.time_to_db(at, where=f"notice to reporter {reporter_id}")
        feedback = when if kind in FEEDBACK_KINDS else None
        self._db.execute(
            "UPDATE case_reporters SET last_notice = ?, last_notice_at = ?, notified_at = COALESCE(notified_at, ?)"
            " WHERE id = ?", (str(kind), when, feedback, reporter_id))


class SqlNoticeRepository:
    """NoticeRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _notice(self, row: Any) -> ReporterNotice:
        d = self._d
        return ReporterNotice(
            id=row["id"], case_id=row["case_id"], reporter_id=row["reporter_id"], kind=NoticeKind(row["kind"]),
            text=row["text"], wants_rating=bool(row["wants_rating"]), created_at=d.time_from_db(row["created_at"]),
            sent_at=d.optional_time_from_db(row["sent_at"]), attempts=row["attempts"], last_error=row["last_error"])

    def add(self, notice: ReporterNotice) -> ReporterNotice:
        """Store a notice to send and return it with its id."""
        where = f"notice to reporter {notice.reporter_id}"
        row = self._db.insert(
            "INSERT INTO reporter_notices (case_id, reporter_id, kind, text, wants_rating, created_at, sent_at,"
            " attempts, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (notice.case_id, notice.reporter_id, str(notice.kind), notice.text, notice.wants_rating,
             self._d.time_to_db(notice.created_at, where=f"{where}.created_at"),
             self._d.optional_time_to_db(notice.sent_at, where=f"{where}.sent_at"), notice.attempts,
             notice.last_error))
        return dataclasses.replace(notice, id=row["id"])

    def pending(self, *, max_attempts: int, limit: int = 100) -> list[ReporterNotice]:
        """Return notices not yet sent and tried fewer than max_attempts times, oldest first."""
        rows = self._db.execute(f"{_NOTICE_SELECT} WHERE sent_at IS NULL AND attempts < ? ORDER BY id LIMIT ?",
                                (max_attempts, page(limit)[0]))
        return [self._notice(r) for r in rows]

    def for_case(self, case_id: int) -> list[ReporterNotice]:
        """Return the notices of a case (and of the cases merged into it, by reporter), oldest first."""
        rows = self._db.execute(
            f"{_NOTICE_SELECT} WHERE case_id = ? OR reporter_id IN (SELECT id FROM case_reporters WHERE case_id = ?)"
            " ORDER BY id", (case_id, case_id))
        return [self._notice(r) for r in rows]

    def mark_sent(self, notice_id: int, *, at: datetime) -> bool:
        """Mark a notice sent once; return False when it already was."""
        return self._db.execute(
            "UPDATE reporter_notices SET sent_at = ?, attempts = attempts + 1 WHERE id = ? AND sent_at IS NULL",
            (self._d.time_to_db(at, where=f"notice {notice_id}.sent_at"), notice_id)).rowcount == 1

    def mark_failed(self, notice_id: int, *, error: str) -> None:
        """Count a failed attempt and keep its error."""
        self._db.execute("UPDATE reporter_notices SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                         (error[:MAX_ERROR_CHARS], notice_id))
