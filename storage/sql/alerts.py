"""Alerts."""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Collection
from datetime import datetime
from typing import Any

from alerts.models import Alert, AlertPurpose, AlertStatus, Severity
from alerts.repository import StatusFilter
from storage.contract import StorageError
from storage.sql.db import Condition, Db, where
from storage.sql.dialect import Dialect
from storage.values import BBox, page

_WRITTEN = ("device_id", "sensor_kind", "metric", "value", "limit_value", "severity", "lon", "lat", "grid_path",
            "raised_at", "last_seen_at", "occurrences", "status", "case_id", "rule_id", "purpose", "first_value",
            "worst_value", "worst_at", "acknowledged_by", "acknowledged_at", "ack_note", "cleared_at")
_SELECT = f"SELECT id, {', '.join(_WRITTEN)} FROM alerts"
# The predicate of the partial unique index (migration 0011): an open alert is raised or acknowledged.
_OPEN_PREDICATE = f"status IN ('{AlertStatus.RAISED}', '{AlertStatus.ACKNOWLEDGED}')"


@functools.cache
def _writes(dialect: Dialect) -> tuple[str, str]:
    """Return the INSERT ... RETURNING id and the UPDATE by id of every written column, in this dialect."""
    params = ["?"] * len(_WRITTEN)
    params[_WRITTEN.index("grid_path")] = dialect.path_param
    return (f"INSERT INTO alerts ({', '.join(_WRITTEN)}) VALUES ({', '.join(params)}) RETURNING id",
            f"UPDATE alerts SET {', '.join(f'{c} = {p}' for c, p in zip(_WRITTEN, params))} WHERE id = ?")


def _statuses(status: StatusFilter | None) -> Condition | None:
    """Return status = ? or status IN (...) for one status or several; None filters nothing."""
    if status is None:
        return None
    chosen: Collection[AlertStatus] = [status] if isinstance(status, AlertStatus) else sorted(status)
    if not chosen:
        return "1 = 0", []
    return f"status IN ({', '.join('?' * len(chosen))})", [str(AlertStatus(s)) for s in chosen]


class SqlAlertRepository:
    """AlertRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect
        self._insert, self._update = _writes(self._d)

    def _alert(self, row: Any) -> Alert:
        d = self._d
        return Alert(id=row["id"], device_id=row["device_id"], sensor_kind=row["sensor_kind"], metric=row["metric"],
                     value=row["value"], limit=row["limit_value"], severity=Severity(row["severity"]), lon=row["lon"],
                     lat=row["lat"], grid_path=d.path_from_db(row["grid_path"]),
                     raised_at=d.time_from_db(row["raised_at"]), last_seen_at=d.time_from_db(row["last_seen_at"]),
                     occurrences=row["occurrences"], status=AlertStatus(row["status"]), case_id=row["case_id"],
                     rule_id=row["rule_id"], purpose=AlertPurpose(row["purpose"]), first_value=row["first_value"],
                     worst_value=row["worst_value"], worst_at=d.optional_time_from_db(row["worst_at"]),
                     acknowledged_by=row["acknowledged_by"],
                     acknowledged_at=d.optional_time_from_db(row["acknowledged_at"]), ack_note=row["ack_note"],
                     cleared_at=d.optional_time_from_db(row["cleared_at"]))

    def _values(self, alert: Alert) -> tuple[Any, ...]:
        d = self._d
        where = f"alert of {alert.device_id}/{alert.rule_id}"
        return (alert.device_id, str(alert.sensor_kind), alert.metric, alert.value, alert.limit, str(alert.severity),
                alert.lon, alert.lat, d.path_to_db(alert.grid_path),
                d.time_to_db(alert.raised_at, where=f"{where}.raised_at"),
                d.time_to_db(alert.last_seen_at, where=f"{where}.last_seen_at"), alert.occurrences, str(alert.status),
                alert.case_id, alert.rule_id, str(alert.purpose), alert.first_value, alert.worst_value,
                d.optional_time_to_db(alert.worst_at, where=f"{where}.worst_at"), alert.acknowledged_by,
                d.optional_time_to_db(alert.acknowledged_at, where=f"{where}.acknowledged_at"), alert.ack_note,
                d.optional_time_to_db(alert.cleared_at, where=f"{where}.cleared_at"))

    def add(self, alert: Alert) -> Alert:
        """Store a new alert and return it with its id; a second open alert of one subject and rule is refused."""
        if alert.id is not None:
            raise StorageError(f"alert {alert.id}: already stored; use update")
        row = self._db.insert(self._insert, self._values(alert))
        return dataclasses.replace(alert, id=row["id"])

    def update(self, alert: Alert) -> None:
        """Overwrite the stored alert with the same id."""
        if alert.id is None:
            raise StorageError(f"alert of {alert.device_id}/{alert.rule_id}: has no id; use add")
        cur = self._db.execute(self._update, (*self._values(alert), alert.id))
        if cur.rowcount == 0:
            raise StorageError(f"alert {alert.id}: not found, nothing updated")

    def _where(self, status: StatusFilter | None, bbox: BBox | None, since: datetime | None,
               until: datetime | None) -> tuple[str, list[Any]]:
        bounds = [None if at is None else (clause, [self._d.time_to_db(at, where=f"alert list {name}")])
                  for clause, at, name in (("raised_at >= ?", since, "raised_since"),
                                           ("raised_at <= ?", until, "raised_until"))]
        return where(_statuses(status), None if bbox is None else self._d.point_in_bbox(bbox), *bounds)

    def get(self, alert_id: int, *, for_update: bool = False) -> Alert | None:
        """Return the alert; for_update locks it until the unit of work ends (PostGIS)."""
        lock = self._d.for_update if for_update else ""
        row = self._db.one(f"{_SELECT} WHERE id = ?{lock}", (alert_id,))
        return None if row is None else self._alert(row)

    def find_open(self, *, device_id: str, rule_id: str) -> Alert | None:
        """Return the open (raised or acknowledged) alert of this subject and rule, or None."""
        # The partial unique index alerts_one_open_idx holds at most one such row; its predicate is spelt out as
        # literals so that the planner can match it even in a generic (parameter-blind) plan.
        row = self._db.one(f"{_SELECT} WHERE device_id = ? AND rule_id = ? AND {_OPEN_PREDICATE}", (device_id, rule_id))
        return None if row is None else self._alert(row)

    def for_case(self, case_id: int) -> list[Alert]:
        """Return the alerts linked to a case, oldest first."""
        return [self._alert(r) for r in self._db.execute(f"{_SELECT} WHERE case_id = ? ORDER BY id", (case_id,))]

    def list(self, *, status: StatusFilter | None = None, bbox: BBox | None = None,
             raised_since: datetime | None = None, raised_until: datetime | None = None, limit: int = 100,
             offset: int = 0) -> list[Alert]:
        """Return alerts, newest first (raised_since, raised_until: bounds on raised_at, both inclusive)."""
        clause, params = self._where(status, bbox, raised_since, raised_until)
        sql = f"{_SELECT}{clause} ORDER BY raised_at DESC, id DESC LIMIT ? OFFSET ?"
        return [self._alert(r) for r in self._db.execute(sql, (*params, *page(limit, offset)))]

    def count(self, *, status: StatusFilter | None = None, bbox: BBox | None = None,
              raised_since: datetime | None = None, raised_until: datetime | None = None) -> int:
        """Return how many alerts match the filters (raised_since, raised_until: bounds on raised_at, inclusive)."""
        clause, params = self._where(status, bbox, raised_since, raised_until)
        return self._db.scalar(f"SELECT count(*) FROM alerts{clause}", params)

    def count_by_grid(self, *, status: StatusFilter | None = None) -> dict[str, int]:
        """Return, per grid code at any level, how many matching alerts lie in it (a town counts its villages')."""
        clause, params = where(_statuses(status))
        # Few distinct paths (one per finest grid), so group by path here and roll up to ancestors in Python.
        counts: Counter[str] = Counter()
        for row in self._db.execute(f"SELECT grid_path, count(*) AS n FROM alerts{clause} GROUP BY grid_path", params):
            for code in dict.fromkeys(self._d.path_from_db(row["grid_path"])):
                counts[code] += row["n"]
        return dict(counts)
