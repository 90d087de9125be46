"""Alerts in PostGIS."""

from __future__ import annotations

import dataclasses
from typing import Any

from psycopg import Connection

from alerts.models import Alert, AlertStatus, Severity
from storage.contract import StorageError
from storage.postgis.codec import time_from_db, time_to_db
from storage.values import BBox, bbox_floats, page

_COLUMNS = ("id, device_id, sensor_kind, metric, value, limit_value, severity, lon, lat, grid_path, raised_at,"
            " last_seen_at, occurrences, status, case_id")


def _alert(row: dict[str, Any]) -> Alert:
    return Alert(id=row["id"], device_id=row["device_id"], sensor_kind=row["sensor_kind"], metric=row["metric"],
                 value=row["value"], limit=row["limit_value"], severity=Severity(row["severity"]), lon=row["lon"],
                 lat=row["lat"], grid_path=tuple(row["grid_path"]), raised_at=time_from_db(row["raised_at"]),
                 last_seen_at=time_from_db(row["last_seen_at"]), occurrences=row["occurrences"],
                 status=AlertStatus(row["status"]), case_id=row["case_id"])


def _values(alert: Alert) -> tuple[Any, ...]:
    where = f"alert of {alert.device_id}/{alert.metric}"
    return (alert.device_id, str(alert.sensor_kind), alert.metric, alert.value, alert.limit, str(alert.severity),
            alert.lon, alert.lat, list(alert.grid_path), time_to_db(alert.raised_at, where=f"{where}.raised_at"),
            time_to_db(alert.last_seen_at, where=f"{where}.last_seen_at"), alert.occurrences, str(alert.status),
            alert.case_id)


def _where(status: AlertStatus | None, bbox: BBox | None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if status is not None:
        clauses.append("status = %s")
        params.append(str(status))
    if bbox is not None:
        clauses.append("geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)")
        params += list(bbox_floats(bbox))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class PostgisAlertRepository:
    """AlertRepository over one psycopg connection."""

    def __init__(self, conn: Connection[Any]) -> None:
        self._conn = conn

    def add(self, alert: Alert) -> Alert:
        """Store a new alert and return it with its id."""
        if alert.id is not None:
            raise StorageError(f"alert {alert.id}: already stored; use update")
        row = self._conn.execute(
            "INSERT INTO alerts (device_id, sensor_kind, metric, value, limit_value, severity, lon, lat, grid_path,"
            " raised_at, last_seen_at, occurrences, status, case_id)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::text[], %s, %s, %s, %s, %s) RETURNING id",
            _values(alert),
        ).fetchone()
        return dataclasses.replace(alert, id=row["id"])

    def update(self, alert: Alert) -> None:
        """Overwrite the stored alert with the same id."""
        if alert.id is None:
            raise StorageError(f"alert of {alert.device_id}/{alert.metric}: has no id; use add")
        cur = self._conn.execute(
            "UPDATE alerts SET device_id = %s, sensor_kind = %s, metric = %s, value = %s, limit_value = %s,"
            " severity = %s, lon = %s, lat = %s, grid_path = %s::text[], raised_at = %s, last_seen_at = %s,"
            " occurrences = %s, status = %s, case_id = %s WHERE id = %s",
            (*_values(alert), alert.id),
        )
        if cur.rowcount == 0:
            raise StorageError(f"alert {alert.id}: not found, nothing updated")

    def get(self, alert_id: int) -> Alert | None:
        """Return the alert, or None."""
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM alerts WHERE id = %s", (alert_id,)).fetchone()
        return None if row is None else _alert(row)

    def find_open(self, *, device_id: str, metric: str) -> Alert | None:
        """Return the newest open alert of this device and metric, or None."""
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM alerts WHERE device_id = %s AND metric = %s AND status = %s"
            " ORDER BY raised_at DESC, id DESC LIMIT 1",
            (device_id, metric, str(AlertStatus.OPEN)),
        ).fetchone()
        return None if row is None else _alert(row)

    def list(self, *, status: AlertStatus | None = None, bbox: BBox | None = None, limit: int = 100,
             offset: int = 0) -> list[Alert]:
        """Return alerts, newest first."""
        where, params = _where(status, bbox)
        sql = f"SELECT {_COLUMNS} FROM alerts{where} ORDER BY raised_at DESC, id DESC LIMIT %s OFFSET %s"
        return [_alert(r) for r in self._conn.execute(sql, (*params, *page(limit, offset)))]

    def count(self, *, status: AlertStatus | None = None, bbox: BBox | None = None) -> int:
        """Return how many alerts match the filters."""
        where, params = _where(status, bbox)
        return self._conn.execute(f"SELECT count(*) AS n FROM alerts{where}", params).fetchone()["n"]
