"""Alerts."""

from __future__ import annotations

import dataclasses
import functools
from datetime import datetime
from typing import Any

from alerts.models import Alert, AlertStatus, Severity
from storage.contract import StorageError
from storage.sql.db import Db, equals, where
from storage.sql.dialect import Dialect
from storage.values import BBox, page

_WRITTEN = ("device_id", "sensor_kind", "metric", "value", "limit_value", "severity", "lon", "lat", "grid_path",
            "raised_at", "last_seen_at", "occurrences", "status", "case_id")
_SELECT = f"SELECT id, {', '.join(_WRITTEN)} FROM alerts"


@functools.cache
def _writes(dialect: Dialect) -> tuple[str, str]:
    """Return the INSERT ... RETURNING id and the UPDATE by id of every written column, in this dialect."""
    params = ["?"] * len(_WRITTEN)
    params[_WRITTEN.index("grid_path")] = dialect.path_param
    return (f"INSERT INTO alerts ({', '.join(_WRITTEN)}) VALUES ({', '.join(params)}) RETURNING id",
            f"UPDATE alerts SET {', '.join(f'{c} = {p}' for c, p in zip(_WRITTEN, params))} WHERE id = ?")


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
                     occurrences=row["occurrences"], status=AlertStatus(row["status"]), case_id=row["case_id"])

    def _values(self, alert: Alert) -> tuple[Any, ...]:
        d = self._d
        where = f"alert of {alert.device_id}/{alert.metric}"
        return (alert.device_id, str(alert.sensor_kind), alert.metric, alert.value, alert.limit, str(alert.severity),
                alert.lon, alert.lat, d.path_to_db(alert.grid_path),
                d.time_to_db(alert.raised_at, where=f"{where}.raised_at"),
                d.time_to_db(alert.last_seen_at, where=f"{where}.last_seen_at"), alert.occurrences, str(alert.status),
                alert.case_id)

    def _where(self, status: AlertStatus | None, bbox: BBox | None) -> tuple[str, list[Any]]:
        return where(equals("status", status), None if bbox is None else self._d.point_in_bbox(bbox))

    def add(self, alert: Alert) -> Alert:
        """Store a new alert and return it with its id."""
        if alert.id is not None:
            raise StorageError(f"alert {alert.id}: already stored; use update")
        row = self._db.insert(self._insert, self._values(alert))
        return dataclasses.replace(alert, id=row["id"])

    def update(self, alert: Alert) -> None:
        """Overwrite the stored alert with the same id."""
        if alert.id is None:
            raise StorageError(f"alert of {alert.device_id}/{alert.metric}: has no id; use add")
        cur = self._db.execute(self._update, (*self._values(alert), alert.id))
        if cur.rowcount == 0:
            raise StorageError(f"alert {alert.id}: not found, nothing updated")

    def get(self, alert_id: int) -> Alert | None:
        """Return the alert, or None."""
        row = self._db.one(f"{_SELECT} WHERE id = ?", (alert_id,))
        return None if row is None else self._alert(row)

    def find_open(self, *, device_id: str, metric: str) -> Alert | None:
        """Return the newest open alert of this device and metric, or None."""
        row = self._db.one(
            f"{_SELECT} WHERE device_id = ? AND metric = ? AND status = ? ORDER BY raised_at DESC, id DESC LIMIT 1",
            (device_id, metric, str(AlertStatus.OPEN)),
        )
        return None if row is None else self._alert(row)

    def list(self, *, status: AlertStatus | None = None, bbox: BBox | None = None, limit: int = 100,
             offset: int = 0) -> list[Alert]:
        """Return alerts, newest first."""
        clause, params = self._where(status, bbox)
        sql = f"{_SELECT}{clause} ORDER BY raised_at DESC, id DESC LIMIT ? OFFSET ?"
        return [self._alert(r) for r in self._db.execute(sql, (*params, *page(limit, offset)))]

    def count(self, *, status: AlertStatus | None = None, bbox: BBox | None = None,
              raised_since: datetime | None = None) -> int:
        """Return how many alerts match the filters (raised_since: raised at or after that instant)."""
        since = None if raised_since is None else (
            "raised_at >= ?", [self._d.time_to_db(raised_since, where="alert count raised_since")])
        clause, params = where(equals("status", status), None if bbox is None else self._d.point_in_bbox(bbox), since)
        return self._db.scalar(f"SELECT count(*) FROM alerts{clause}", params)
