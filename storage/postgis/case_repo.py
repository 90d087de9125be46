"""Cases and their append-only event log in PostGIS."""

from __future__ import annotations

import dataclasses
from typing import Any

from psycopg import Connection

from cases.models import Case, CaseEvent, CaseSource, CaseStatus, Platform
from storage.contract import StorageError
from storage.postgis.codec import json_to_db, time_from_db, time_to_db
from storage.values import BBox, bbox_floats, page

_COLUMNS = ("id, title, category, source, status, platform, lon, lat, grid_path, created_at, updated_at, description,"
            " reporter, reporter_phone, alert_id, team_id, satisfaction")
_EVENT_COLUMNS = "id, case_id, action, actor, at, from_status, to_status, note, data"


def _case(row: dict[str, Any]) -> Case:
    return Case(id=row["id"], title=row["title"], category=row["category"], source=CaseSource(row["source"]),
                status=CaseStatus(row["status"]), platform=None if row["platform"] is None else Platform(row["platform"]),
                lon=row["lon"], lat=row["lat"], grid_path=tuple(row["grid_path"]),
                created_at=time_from_db(row["created_at"]), updated_at=time_from_db(row["updated_at"]),
                description=row["description"], reporter=row["reporter"], reporter_phone=row["reporter_phone"],
                alert_id=row["alert_id"], team_id=row["team_id"], satisfaction=row["satisfaction"])


def _values(case: Case) -> tuple[Any, ...]:
    where = f"case {case.id if case.id is not None else case.title!r}"
    return (case.title, case.category, str(case.source), str(case.status),
            None if case.platform is None else str(case.platform), case.lon, case.lat, list(case.grid_path),
            time_to_db(case.created_at, where=f"{where}.created_at"), time_to_db(case.updated_at, where=f"{where}.updated_at"),
            case.description, case.reporter, case.reporter_phone, case.alert_id, case.team_id, case.satisfaction)


def _event(row: dict[str, Any]) -> CaseEvent:
    return CaseEvent(id=row["id"], case_id=row["case_id"], action=row["action"], actor=row["actor"],
                     at=time_from_db(row["at"]),
                     from_status=None if row["from_status"] is None else CaseStatus(row["from_status"]),
                     to_status=CaseStatus(row["to_status"]), note=row["note"], data=row["data"])


def _where(status: CaseStatus | None, platform: Platform | None, grid_code: str | None,
           bbox: BBox | None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if status is not None:
        clauses.append("status = %s")
        params.append(str(status))
    if platform is not None:
        clauses.append("platform = %s")
        params.append(str(platform))
    if grid_code is not None:
        clauses.append("grid_path @> ARRAY[%s::text]")
        params.append(grid_code)
    if bbox is not None:
        clauses.append("geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)")
        params += list(bbox_floats(bbox))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class PostgisCaseRepository:
    """CaseRepository over one psycopg connection."""

    def __init__(self, conn: Connection[Any]) -> None:
        self._conn = conn

    def add(self, case: Case) -> Case:
        """Store a new case and return it with its id."""
        if case.id is not None:
            raise StorageError(f"case {case.id}: already stored; use update")
        row = self._conn.execute(
            "INSERT INTO cases (title, category, source, status, platform, lon, lat, grid_path, created_at, updated_at,"
            " description, reporter, reporter_phone, alert_id, team_id, satisfaction)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s::text[], %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            _values(case),
        ).fetchone()
        return dataclasses.replace(case, id=row["id"])

    def update(self, case: Case) -> None:
        """Overwrite the stored case with the same id."""
        if case.id is None:
            raise StorageError(f"case {case.title!r}: has no id; use add")
        cur = self._conn.execute(
            "UPDATE cases SET title = %s, category = %s, source = %s, status = %s, platform = %s, lon = %s, lat = %s,"
            " grid_path = %s::text[], created_at = %s, updated_at = %s, description = %s, reporter = %s,"
            " reporter_phone = %s, alert_id = %s, team_id = %s, satisfaction = %s WHERE id = %s",
            (*_values(case), case.id),
        )
        if cur.rowcount == 0:
            raise StorageError(f"case {case.id}: not found, nothing updated")

    def get(self, case_id: int, *, for_update: bool = False) -> Case | None:
        """Return the case; for_update locks its row until the unit of work ends."""
        lock = " FOR UPDATE" if for_update else ""
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM cases WHERE id = %s{lock}", (case_id,)).fetchone()
        return None if row is None else _case(row)

    def list(self, *, status: CaseStatus | None = None, platform: Platform | None = None,
             grid_code: str | None = None, bbox: BBox | None = None, limit: int = 100, offset: int = 0) -> list[Case]:
        """Return cases newest first; grid_code matches a grid at any level."""
        where, params = _where(status, platform, grid_code, bbox)
        sql = f"SELECT {_COLUMNS} FROM cases{where} ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s"
        return [_case(r) for r in self._conn.execute(sql, (*params, *page(limit, offset)))]

    def count(self, *, status: CaseStatus | None = None, platform: Platform | None = None,
              grid_code: str | None = None, bbox: BBox | None = None) -> int:
        """Return how many cases match the filters."""
        where, params = _where(status, platform, grid_code, bbox)
        return self._conn.execute(f"SELECT count(*) AS n FROM cases{where}", params).fetchone()["n"]

    def append_event(self, event: CaseEvent) -> CaseEvent:
        """Append to the case's event log (never updated or deleted) and return it with its id."""
        where = f"event {event.action!r} of case {event.case_id}"
        row = self._conn.execute(
            "INSERT INTO case_events (case_id, action, actor, at, from_status, to_status, note, data)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s::jsonb) RETURNING id",
            (event.case_id, event.action, event.actor, time_to_db(event.at, where=f"{where}.at"),
             None if event.from_status is None else str(event.from_status), str(event.to_status), event.note,
             json_to_db(event.data, where=f"{where}.data")),
        ).fetchone()
        return dataclasses.replace(event, id=row["id"])

    def events(self, case_id: int) -> list[CaseEvent]:
        """Return the case's events, oldest first."""
        rows = self._conn.execute(
            f"SELECT {_EVENT_COLUMNS} FROM case_events WHERE case_id = %s ORDER BY at, id", (case_id,))
        return [_event(r) for r in rows]
