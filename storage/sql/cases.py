"""Cases and their append-only event log."""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cases.assessment import NOT_RECEIVED_STATUSES
from cases.lifecycle import FINISHED
from cases.models import Case, CaseEvent, CaseSource, CaseStatus, Platform
from cases.queues import QueueBounds
from cases.repository import Involving
from storage.contract import StorageError
from storage.sql.db import Db, equals, where
from storage.sql.dialect import Dialect
from storage.values import BBox, page

_WRITTEN = ("title", "category", "source", "status", "platform", "lon", "lat", "grid_path", "created_at", "updated_at",
            "description", "reporter", "reporter_phone", "alert_id", "satisfaction", "merged_into", "priority", "department", "due_step", "due_at",
            "feedback_due_at", "handled_at", "closed_at", "handling_wh", "on_time", "confidence", "triage",
            "supervision_level", "external_due_at")
_SELECT = f"SELECT id, version, {', '.join(_WRITTEN)} FROM cases"
_EVENT_SELECT = ("SELECT id, case_id, action, actor, role, at, from_status, to_status, note, data, attachments"
                 " FROM case_events")
# Cases the town has finished with: not counted open, not offered as a duplicate's original.
_FINISHED = tuple(sorted(str(s) for s in FINISHED))


def _involving(involving: Involving | None) -> tuple[str, list[Any]] | None:
    """Return the condition: the actor reported the case, or the team holds an active assignment on it."""
    if involving is None:
        return None
    reported = ("EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = cases.id AND e.action = 'report'"
                " AND e.actor = ?)")
    if involving.team_id is None:
        return reported, [involving.actor]
    held = ("EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = cases.id AND a.released_at IS NULL"
            " AND a.team_id = ?)")
    return f"({reported} OR {held})", [involving.actor, involving.team_id]


def _optional_str(value: object | None) -> str | None:
    return None if value is None else str(value)


@functools.cache
def _writes(dialect: Dialect) -> tuple[str, str]:
    """Return the INSERT ... RETURNING id and the versioned UPDATE by id of every written column, in this dialect."""
    params = ["?"] * len(_WRITTEN)
    params[_WRITTEN.index("grid_path")] = dialect.path_param
    sets = ", ".join(f"{c} = {p}" for c, p in zip(_WRITTEN, params))
    return (f"INSERT INTO cases (version, {', '.join(_WRITTEN)}) VALUES (1, {', '.join(params)}) RETURNING id",
            f"UPDATE cases SET version = version + 1, {sets} WHERE id = ? AND version = ?")


class SqlCaseRepository:
    """CaseRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect
        self._insert, self._update = _writes(self._d)

    def _case(self, row: Any) -> Case:
        d = self._d
        return Case(id=row["id"], title=row["title"], category=row["category"], source=CaseSource(row["source"]),
                    status=CaseStatus(row["status"]),
                    platform=None if row["platform"] is None else Platform(row["platform"]),
                    lon=row["lon"], lat=row["lat"], grid_path=d.path_from_db(row["grid_path"]),
                    created_at=d.time_from_db(row["created_at"]), updated_at=d.time_from_db(row["updated_at"]),
                    description=row["description"], reporter=row["reporter"], reporter_phone=row["reporter_phone"],
                    alert_id=row["alert_id"], satisfaction=row["satisfaction"], version=row["version"],
                    merged_into=row["merged_into"], priority=row["priority"], department=row["department"],
                    due_step=row["due_step"], due_at=d.optional_time_from_db(row["due_at"]),
                    feedback_due_at=d.optional_time_from_db(row["feedback_due_at"]),
                    handled_at=d.optional_time_from_db(row["handled_at"]),
                    closed_at=d.optional_time_from_db(row["closed_at"]), handling_wh=row["handling_wh"],
                    on_time=None if row["on_time"] is None else bool(row["on_time"]), confidence=row["confidence"],
                    triage=bool(row["triage"]), supervision_level=row["supervision_level"],
                    external_due_at=d.optional_time_from_db(row["external_due_at"]))

    def _values(self, case: Case) -> tuple[Any, ...]:
        d = self._d
        where = f"case {case.id if case.id is not None else case.title!r}"
        return (case.title, case.category, str(case.source), str(case.status), _optional_str(case.platform), case.lon,
                case.lat, d.path_to_db(case.grid_path), d.time_to_db(case.created_at, where=f"{where}.created_at"),
                d.time_to_db(case.updated_at, where=f"{where}.updated_at"), case.description, case.reporter,
                case.reporter_phone, case.alert_id, case.satisfaction, case.merged_into, case.priority, case.department,
                case.due_step, d.optional_time_to_db(case.due_at, where=f"{where}.due_at"),
                d.optional_time_to_db(case.feedback_due_at, where=f"{where}.feedback_due_at"),
                d.optional_time_to_db(case.handled_at, where=f"{where}.handled_at"),
                d.optional_time_to_db(case.closed_at, where=f"{where}.closed_at"), case.handling_wh, case.on_time,
                case.confidence, case.triage, case.supervision_level,
                d.optional_time_to_db(case.external_due_at, where=f"{where}.external_due_at"))

    def _event(self, row: Any) -> CaseEvent:
        return CaseEvent(id=row["id"], case_id=row["case_id"], action=row["action"], actor=row["actor"],
                         at=self._d.time_from_db(row["at"]),
                         from_status=None if row["from_status"] is None else CaseStatus(row["from_status"]),
                         to_status=CaseStatus(row["to_status"]), note=row["note"], data=self._d.json_from_db(row["data"]),
                         role=row["role"], attachments=tuple(self._d.json_from_db(row["attachments"])))

    def _in_grids(self, codes: Sequence[str] | None) -> tuple[str, list[Any]] | None:
        if codes is None:
            return None
        if not codes:
            return "1 = 0", []  # an empty choice of grids matches no case
        return self._d.path_overlaps("cases.grid_path"), [self._d.path_to_db(tuple(codes))]

    def _where(self, status: CaseStatus | None, platform: Platform | None, grid_code: str | None,
               any_grid: Sequence[str] | None, bbox: BBox | None, category: str | None = None,
               created_since: datetime | None = None, created_until: datetime | None = None,
               triage: bool | None = None, involving: Involving | None = None,
               queue: QueueBounds | None = None) -> tuple[str, list[Any]]:
        return where(equals("status", status), equals("platform", platform), equals("category", category),
                     equals("triage", triage, bool), _involving(involving), *self._queue(queue),
                     self._in_grids(None if grid_code is None else (grid_code,)), self._in_grids(any_grid),
                     None if bbox is None else self._d.point_in_bbox(bbox),
                     self._time_bound("created_at >= ?", created_since, "case list created_since"),
                     self._time_bound("created_at <= ?", created_until, "case list created_until"))

    def _queue(self, bounds: QueueBounds | None) -> list[tuple[str, list[Any]] | None]:
        """Return the conditions of a queue's bounds (cases.queues.within says the same in Python)."""
        if bounds is None:
            return []
        statuses = None if bounds.statuses is None else (
            f"status IN ({', '.join('?' * len(bounds.statuses))})" if bounds.statuses else "1 = 0",
            [str(s) for s in bounds.statuses])
        unfinished = ((f"status NOT IN ({', '.join('?' * len(_FINISHED))})", list(_FINISHED))
                      if bounds.open_only else None)
        # due_at IS NOT NULL first, so PostGIS can use the partial index on due_at (cases_due_idx, migration 0018).
        due = None if bounds.due_before is None else (
            "due_at IS NOT NULL AND due_at < ?", [self._d.time_to_db(bounds.due_before, where="queue due_before")])
        return [statuses, unfinished, due, equals("triage", bounds.triage, bool)]

    def _time_bound(self, clause: str, at: datetime | None, label: str) -> tuple[str, list[Any]] | None:
        return None if at is None else (clause, [self._d.time_to_db(at, where=label)])

    def add(self, case: Case) -> Case:
        """Store a new case and return it with its id."""
        if case.id is not None:
            raise StorageError(f"case {case.id}: already stored; use update")
        row = self._db.insert(self._insert, self._values(case))
        return dataclasses.replace(case, id=row["id"], version=1)

    def update(self, case: Case) -> Case:
        """Overwrite the stored case if it is still at case.version; return it with its next version."""
        if case.id is None:
            raise StorageError(f"case {case.title!r}: has no id; use add")
        cur = self._db.execute(self._update, (*self._values(case), case.id, case.version))
        if cur.rowcount == 0:
            stored = self._db.one("SELECT version FROM cases WHERE id = ?", (case.id,))
            if stored is None:
                raise StorageError(f"case {case.id}: not found, nothing updated")
            raise StorageError(f"case {case.id}: version {case.version} is stale (stored: {stored['version']}),"
                               " nothing updated")
        return dataclasses.replace(case, version=case.version + 1)

    def get(self, case_id: int, *, for_update: bool = False) -> Case | None:
        """Return the case; for_update keeps others from changing it until the unit of work ends."""
        lock = self._d.for_update if for_update else ""
        row = self._db.one(f"{_SELECT} WHERE id = ?{lock}", (case_id,))
        return None if row is None else self._case(row)

    def list(self, *, status: CaseStatus | None = None, platform: Platform | None = None,
             grid_code: str | None = None, any_grid: Sequence[str] | None = None, bbox: BBox | None = None,
             category: str | None = None, created_since: datetime | None = None,
             created_until: datetime | None = None, triage: bool | None = None,
             involving: Involving | None = None, queue: QueueBounds | None = None, limit: int = 100,
             offset: int = 0) -> list[Case]:
        """Return cases newest first; grid_code matches a grid at any level, any_grid any of several (none: none)."""
        clause, params = self._where(status, platform, grid_code, any_grid, bbox, category, created_since,
                                     created_until, triage, involving, queue)
        sql = f"{_SELECT}{clause} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"
        return [self._case(r) for r in self._db.execute(sql, (*params, *page(limit, offset)))]

    def count(self, *, status: CaseStatus | None = None, platform: Platform | None = None,
              grid_code: str | None = None, any_grid: Sequence[str] | None = None, bbox: BBox | None = None,
              category: str | None = None, created_since: datetime | None = None,
              created_until: datetime | None = None, triage: bool | None = None,
              involving: Involving | None = None, queue: QueueBounds | None = None) -> int:
        """Return how many cases match the filters."""
        clause, params = self._where(status, platform, grid_code, any_grid, bbox, category, created_since,
                                     created_until, triage, involving, queue)
        return self._db.scalar(f"SELECT count(*) FROM cases{clause}", params)

    def count_open_by_grid(self, *, platform: Platform | None = None,
                           any_grid: Sequence[str] | None = None) -> dict[str, int]:
        """Return, per grid code at any level, how many cases not closed lie in it (a town counts its villages')."""
        clause, params = where((f"status NOT IN ({', '.join('?' * len(_FINISHED))})", list(_FINISHED)),
                               equals("platform", platform),
                               self._in_grids(any_grid))
        # Few distinct paths (one per finest grid), so group by path here and roll up to ancestors in Python.
        counts: Counter[str] = Counter()
        for row in self._db.execute(f"SELECT grid_path, count(*) AS n FROM cases{clause} GROUP BY grid_path", params):
            for code in dict.fromkeys(self._d.path_from_db(row["grid_path"])):
                counts[code] += row["n"]
        return dict(counts)

    def count_by_category(self, *, since: datetime, until: datetime, platform: Platform | None = None,
                          any_grid: Sequence[str] | None = None) -> dict[str, int]:
        """Return, per category, how many cases were received in [since, until) (merged ones left out, as assessed)."""
        merged = tuple(str(s) for s in NOT_RECEIVED_STATUSES)
        clause, params = where(("created_at >= ? AND created_at < ?",
                                [self._d.time_to_db(since, where="count_by_category since"),
                                 self._d.time_to_db(until, where="count_by_category until")]),
                               (f"status NOT IN ({', '.join('?' * len(merged))})", list(merged)),
                               equals("platform", platform), self._in_grids(any_grid))
        rows = self._db.execute(f"SELECT category, count(*) AS n FROM cases{clause} GROUP BY category", params)
        return {row["category"]: int(row["n"]) for row in rows}

    def open_near(self, *, category: str, bbox: BBox, created_since: datetime, limit: int = 20) -> list[Case]:
        """Return cases of the category not closed, lying in the WGS-84 bbox, created at or after created_since."""
        since = self._d.time_to_db(created_since, where="open_near created_since")
        # The bbox uses the point index; the caller measures the exact distance on the few rows found.
        clause, params = where((f"category = ? AND status NOT IN ({', '.join('?' * len(_FINISHED))}) AND created_at >= ?",
                                [category, *_FINISHED, since]), self._d.point_in_bbox(bbox))
        sql = f"{_SELECT}{clause} ORDER BY created_at DESC, id DESC LIMIT ?"
        return [self._case(r) for r in self._db.execute(sql, (*params, limit))]

    def _open(self) -> tuple[str, list[Any]]:
        return f"status NOT IN ({', '.join('?' * len(_FINISHED))})", list(_FINISHED)

    def due_before(self, before: datetime, *, below_level: int = 4, limit: int = 1000) -> list[Case]:
        """Return cases not finished, due at or before before, below a supervision level; soonest due first."""
        # due_at IS NOT NULL and the range on due_at let the partial index cases_due_idx answer it.
        clause, params = where(("due_at IS NOT NULL AND due_at < ?",
                                [self._d.time_to_db(before, where="due_before before")]),
                               ("supervision_level < ?", [below_level]), self._open())
        sql = f"{_SELECT}{clause} ORDER BY due_at, id LIMIT ?"
        return [self._case(r) for r in self._db.execute(sql, (*params, limit))]

    def _supervised(self, level: int | None, platform: Platform | None, grid_code: str | None,
                    any_grid: Sequence[str] | None) -> tuple[str, list[Any]]:
        return where(("supervision_level = ?", [level]) if level is not None else ("supervision_level > 0", []),
                     equals("platform", platform), self._in_grids(None if grid_code is None else (grid_code,)),
                     self._in_grids(any_grid), self._open())

    def supervised(self, *, level: int | None = None, platform: Platform | None = None, grid_code: str | None = None,
                   any_grid: Sequence[str] | None = None, limit: int = 100, offset: int = 0) -> list[Case]:
        """Return cases not finished with a supervision level, highest level first, then soonest due."""
        clause, params = self._supervised(level, platform, grid_code, any_grid)
        sql = f"{_SELECT}{clause} ORDER BY supervision_level DESC, due_at, id LIMIT ? OFFSET ?"
        return [self._case(r) for r in self._db.execute(sql, (*params, *page(limit, offset)))]

    def count_supervised(self, *, level: int | None = None, platform: Platform | None = None,
                         grid_code: str | None = None, any_grid: Sequence[str] | None = None) -> int:
        """Return how many cases supervised would list."""
        clause, params = self._supervised(level, platform, grid_code, any_grid)
        return int(self._db.scalar(f"SELECT count(*) FROM cases{clause}", params))

    def append_event(self, event: CaseEvent) -> CaseEvent:
        """Append to the case's event log (never updated or deleted) and return it with its id."""
        where = f"event {event.action!r} of case {event.case_id}"
        row = self._db.insert(
            "INSERT INTO case_events (case_id, action, actor, role, at, from_status, to_status, note, data, attachments)"
            f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, {self._d.json_param}, {self._d.json_param}) RETURNING id",
            (event.case_id, event.action, event.actor, event.role, self._d.time_to_db(event.at, where=f"{where}.at"),
             _optional_str(event.from_status), str(event.to_status), event.note,
             self._d.json_to_db(event.data, where=f"{where}.data"),
             self._d.json_to_db(list(event.attachments), where=f"{where}.attachments")),
        )
        return dataclasses.replace(event, id=row["id"])

    def events(self, case_id: int) -> list[CaseEvent]:
        """Return the case's events, oldest first."""
        rows = self._db.execute(f"{_EVENT_SELECT} WHERE case_id = ? ORDER BY at, id", (case_id,))
        return [self._event(r) for r in rows]
