"""Assignments: which team is sent to which case, from dispatch until the assignment itself releases the team."""

from __future__ import annotations

import dataclasses
from typing import Any

from datetime import datetime

from cases.models import Assignment, AssignmentRole, Platform, ReleaseReason, TaskState
from storage.contract import StorageError
from storage.sql.db import Db
from storage.values import page

_WRITTEN = ("case_id", "team_id", "platform", "role", "task", "dispatched_at", "arrived_at", "released_at",
            "release_reason", "state", "offer_expires_at", "done_at", "distance_m", "eta_s")
_SELECT = f"SELECT id, {', '.join(_WRITTEN)} FROM assignments"


class SqlAssignmentRepository:
    """AssignmentRepository over one connection; a partial unique index keeps one active assignment per team."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _assignment(self, row: Any) -> Assignment:
        d = self._d
        reason = row["release_reason"]
        return Assignment(id=row["id"], case_id=row["case_id"], team_id=row["team_id"],
                          platform=Platform(row["platform"]), role=AssignmentRole(row["role"]), task=row["task"],
                          dispatched_at=d.time_from_db(row["dispatched_at"]),
                          arrived_at=d.optional_time_from_db(row["arrived_at"]),
                          released_at=d.optional_time_from_db(row["released_at"]),
                          release_reason=None if reason is None else ReleaseReason(reason),
                          state=TaskState(row["state"]), offer_expires_at=d.optional_time_from_db(row["offer_expires_at"]),
                          done_at=d.optional_time_from_db(row["done_at"]), distance_m=row["distance_m"],
                          eta_s=row["eta_s"])

    def add(self, assignment: Assignment) -> Assignment:
        """Store a new assignment; a team already holding an active one is refused by the store."""
        if assignment.id is not None:
            raise StorageError(f"assignment {assignment.id}: already stored")
        d = self._d
        where = f"assignment of team {assignment.team_id} to case {assignment.case_id}"
        row = self._db.insert(
            f"INSERT INTO assignments ({', '.join(_WRITTEN)}) VALUES ({', '.join('?' * len(_WRITTEN))}) RETURNING id",
            (assignment.case_id, assignment.team_id, str(assignment.platform), str(assignment.role), assignment.task,
             d.time_to_db(assignment.dispatched_at, where=f"{where}.dispatched_at"),
             d.optional_time_to_db(assignment.arrived_at, where=f"{where}.arrived_at"),
             d.optional_time_to_db(assignment.released_at, where=f"{where}.released_at"),
             None if assignment.release_reason is None else str(assignment.release_reason), str(assignment.state),
             d.optional_time_to_db(assignment.offer_expires_at, where=f"{where}.offer_expires_at"),
             d.optional_time_to_db(assignment.done_at, where=f"{where}.done_at"), assignment.distance_m,
             assignment.eta_s))
        return dataclasses.replace(assignment, id=row["id"])

    def for_case(self, case_id: int, *, active_only: bool = False) -> list[Assignment]:
        """Return the case's assignments in dispatch order."""
        active = " AND released_at IS NULL" if active_only else ""
        rows = self._db.execute(f"{_SELECT} WHERE case_id = ?{active} ORDER BY dispatched_at, id", (case_id,))
        return [self._assignment(r) for r in rows]

    def active(self, *, limit: int = 1000, offset: int = 0) -> list[Assignment]:
        """Return every assignment still holding its team, oldest first."""
        rows = self._db.execute(f"{_SELECT} WHERE released_at IS NULL ORDER BY dispatched_at, id LIMIT ? OFFSET ?",
                                page(limit, offset))
        return [self._assignment(r) for r in rows]

    def count_active(self) -> int:
        """Return how many assignments still hold their team."""
        return self._db.scalar("SELECT count(*) FROM assignments WHERE released_at IS NULL")

    def mark_arrived(self, assignment_id: int, *, at: Any) -> bool:
        """Record the team's arrival on site once; return whether it was recorded now."""
        stamp = self._d.time_to_db(at, where=f"assignment {assignment_id}.arrived_at")
        cur = self._db.execute("UPDATE assignments SET arrived_at = ? WHERE id = ? AND arrived_at IS NULL"
                               " AND released_at IS NULL", (stamp, assignment_id))
        return cur.rowcount == 1

    def release(self, assignment_id: int, *, at: Any, reason: ReleaseReason) -> bool:
        """End an active assignment; return False if it had already ended."""
        stamp = self._d.time_to_db(at, where=f"assignment {assignment_id}.released_at")
        cur = self._db.execute("UPDATE assignments SET released_at = ?, release_reason = ?"
                               " WHERE id = ? AND released_at IS NULL", (stamp, str(reason), assignment_id))
        return cur.rowcount == 1

    def set_state(self, assignment_id: int, *, state: TaskState, at: datetime,
                  expected: TaskState | None = None) -> bool:
        """Move an active assignment's task to state (done stamps done_at); with expected, only from that state."""
        where = f"assignment {assignment_id}"
        done_at = self._d.time_to_db(at, where=f"{where}.done_at") if state is TaskState.DONE else None
        guard, params = ("", ()) if expected is None else (" AND state = ?", (str(expected),))
        cur = self._db.execute("UPDATE assignments SET state = ?, done_at = COALESCE(?, done_at)"
                               f" WHERE id = ? AND released_at IS NULL{guard}",
                               (str(state), done_at, assignment_id, *params))
        return cur.rowcount == 1
