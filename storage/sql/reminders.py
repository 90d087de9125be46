"""Supervision reminders (督办): one row per rise of a case's supervision level, acknowledged once."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from cases.supervision import Reminder, ReminderKind
from storage.sql.db import Db

_COLUMNS = ("id, case_id, at, level, kind, due_at, due_step, recipient, note, acknowledged_at, acknowledged_by")


class SqlReminderRepository:
    """ReminderRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _reminder(self, row: Any) -> Reminder:
        d = self._d
        return Reminder(id=int(row["id"]), case_id=int(row["case_id"]), at=d.time_from_db(row["at"]),
                        level=int(row["level"]), kind=ReminderKind(row["kind"]), due_at=d.time_from_db(row["due_at"]),
                        due_step=row["due_step"], recipient=row["recipient"], note=row["note"],
                        acknowledged_at=d.optional_time_from_db(row["acknowledged_at"]),
                        acknowledged_by=row["acknowledged_by"])

    def add(self, reminder: Reminder) -> Reminder:
        """Store a reminder and return it with its id."""
        where = f"reminder of case {reminder.case_id}"
        row = self._db.insert(
            "INSERT INTO case_reminders (case_id, at, level, kind, due_at, due_step, recipient, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (reminder.case_id, self._d.time_to_db(reminder.at, where=f"{where}.at"), reminder.level,
             str(reminder.kind), self._d.time_to_db(reminder.due_at, where=f"{where}.due_at"), reminder.due_step,
             reminder.recipient, reminder.note))
        return dataclasses.replace(reminder, id=int(row["id"]))

    def get(self, reminder_id: int) -> Reminder | None:
        row = self._db.one(f"SELECT {_COLUMNS} FROM case_reminders WHERE id = ?", (reminder_id,))
        return None if row is None else self._reminder(row)

    def for_case(self, case_id: int) -> list[Reminder]:
        """Return the case's reminders, oldest first."""
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM case_reminders WHERE case_id = ? ORDER BY at, id",
                                (case_id,))
        return [self._reminder(r) for r in rows]

    def latest_for(self, case_ids: list[int]) -> dict[int, Reminder]:
        """Return each case's newest reminder, by case id (cases without one are left out)."""
        if not case_ids:
            return {}
        marks = ", ".join("?" * len(case_ids))
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM case_reminders WHERE id IN (SELECT max(id) FROM case_reminders"
            f" WHERE case_id IN ({marks}) GROUP BY case_id)", tuple(case_ids))
        return {int(r["case_id"]): self._reminder(r) for r in rows}

    def acknowledge(self, reminder_id: int, *, by: str, at: datetime) -> bool:
        """Stamp who acknowledged the reminder and when, once; return whether it was stamped now."""
        cur = self._db.execute("UPDATE case_reminders SET acknowledged_at = ?, acknowledged_by = ?"
                               " WHERE id = ? AND acknowledged_at IS NULL",
                               (self._d.time_to_db(at, where="reminder acknowledged_at"), by, reminder_id))
        return bool(cur.rowcount)
