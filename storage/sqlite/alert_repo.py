"""Alerts in SQLite."""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import Any

from alerts.models import Alert, AlertStatus, Severity
from storage.contract import StorageError
from storage.sqlite.codec import path_from_db, path_to_db, time_from_db, time_to_db
from storage.values import BBox, bbox_floats, page

_COLUMNS = ("id, device_id, sensor_kind, metric, value, limit_value, severity, lon, lat, grid_path, raised_at,"
            " last_seen_at, occurrences, status, case_id")


def _alert(row: sqlite3.Row) -> Alert:
    return Alert(id=row["id"], device_id=row["device_id"], sensor_kind=row["sensor_kind"], metric=row["metric"],
                 value=row["value"], limit=row["limit_value"], severity=Severity(row["severity"]), lon=row["lon"],
                 lat=row["lat"], grid_path=path_from_db(row["grid_path"]), raised_at=time_from_db(row["raised_at"]),
                 last_seen_at=time_from_db(row["last_seen_at"]), occurrences=row["occurrences"],
                 status=AlertStatus(row["status"]), case_id=row["case_id"])


def _values(alert: Alert) -> tuple[Any, ...]:
    where = f"alert of {alert.device_id}/{alert.metric}"
    return (alert.device_id, str(alert.sensor_kind), alert.metric, alert.value, alert.limit, str(alert.severity),
            alert.lon, alert.lat, path_to_db(alert.grid_path), time_to_db(alert.raised_at, where=f"{where}.raised_at"),
            time_to_db(alert.last_seen_at, where=f"{where}.last_seen_at"), alert.occurrences, str(alert.status),
            alert.case_id)


def _where(status: AlertStatus | None, bbox: BBox | None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if status is not None:
        clauses.append("status = ?")
        params.append(str(status))
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox_floats(bbox)
        clauses.append("lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?")
        params += [min_lon, max_lon, min_lat, max_lat]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class SqliteAlertRepository:
    """AlertRepository over one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def add(self, alert: Alert) -> Alert:
        """Store a new alert and return it with its id."""
        if alert.id is not None:
            raise StorageError(f"alert {alert.id}: already stored; use update")
        cur = self._conn.execute(
            "INSERT INTO alerts (device_id, sensor_kind, metric, value, limit_value, severity, lon, lat, grid_path,"
            " raised_at, last_seen_at, occurrences, status, case_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _values(alert),
        )
        return dataclasses.replace(alert, id=cur.lastrowid)

    def update(self, alert: Alert) -> None:
        """Overwrite the stored alert with the same id."""
        if alert.id is None:
            raise StorageError(f"alert of {alert.device_id}/{alert.metric}: has no id; use add")
        cur = self._conn.execute(
            "UPDATE alerts SET device_id = ?, sensor_kind = ?, metric = ?, value = ?, limit_value = ?, severity = ?,"
            " lon = ?, lat = ?, grid_path = ?, raised_at = ?, last_seen_at = ?, occurrences = ?, status = ?, case_id = ?"
            " WHERE id = ?",
            (*_values(alert), alert.id),
        )
        if cur.rowcount == 0:
            raise StorageError(f"alert {alert.id}: not found, nothing updated")

    def get(self, alert_id: int) -> Alert | None:
        """Return the alert, or None."""
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM alerts WHERE id = ?", (alert_id,)).fetchone()
        return None if row is None else _alert(row)

    def find_open(self, *, device_id: str, metric: str) -> Alert | None:
        """Return the newest open alert of this device and metric, or None."""
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM alerts WHERE device_id = ? AND metric = ? AND status = ?"
            " ORDER BY raised_at DESC, id DESC LIMIT 1",
            (device_id, metric, str(AlertStatus.OPEN)),
        ).fetchone()
        return None if row is None else _alert(row)

    def list(self, *, status: AlertStatus | None = None, bbox: BBox | None = None, limit: int = 100,
             offset: int = 0) -> list[Alert]:
        """Return alerts, newest first."""
        where, params = _where(status, bbox)
        sql = f"SELECT {_COLUMNS} FROM alerts{where} ORDER BY raised_at DESC, id DESC LIMIT ? OFFSET ?"
        return [_alert(r) for r in self._conn.execute(sql, (*params, *page(limit, offset)))]

    def count(self, *, status: AlertStatus | None = None, bbox: BBox | None = None) -> int:
        """Return how many alerts match the filters."""
        where, params = _where(status, bbox)
        return self._conn.execute(f"SELECT count(*) FROM alerts{where}", params).fetchone()[0]
