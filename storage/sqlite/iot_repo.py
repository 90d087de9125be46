"""Devices, readings and dead letters in SQLite."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterable
from datetime import datetime

from iot.models import DeadLetter, Device, Reading, SensorKind
from storage.sqlite.codec import json_from_db, json_to_db, time_from_db, time_to_db
from storage.values import page

_DEVICE_COLUMNS = "id, kind, name, lon, lat, mobile"


def _device(row: sqlite3.Row) -> Device:
    return Device(id=row["id"], kind=SensorKind(row["kind"]), name=row["name"], lon=row["lon"], lat=row["lat"],
                  mobile=bool(row["mobile"]))


class SqliteDeviceRepository:
    """DeviceRepository over one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def upsert_many(self, devices: Iterable[Device]) -> int:
        """Insert or overwrite devices by id; return how many were written."""
        rows = [(d.id, str(d.kind), d.name, d.lon, d.lat, int(d.mobile)) for d in devices]
        self._conn.executemany(
            "INSERT INTO devices (id, kind, name, lon, lat, mobile) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, lon = excluded.lon,"
            " lat = excluded.lat, mobile = excluded.mobile",
            rows,
        )
        return len(rows)

    def get(self, device_id: str) -> Device | None:
        """Return the device, or None."""
        row = self._conn.execute(f"SELECT {_DEVICE_COLUMNS} FROM devices WHERE id = ?", (device_id,)).fetchone()
        return None if row is None else _device(row)

    def all(self) -> list[Device]:
        """Return every device ordered by id."""
        return [_device(r) for r in self._conn.execute(f"SELECT {_DEVICE_COLUMNS} FROM devices ORDER BY id")]

    def list(self, *, kind: SensorKind | None = None, limit: int = 100, offset: int = 0) -> list[Device]:
        """Return devices ordered by id, optionally of one kind."""
        where, params = (" WHERE kind = ?", [str(kind)]) if kind is not None else ("", [])
        sql = f"SELECT {_DEVICE_COLUMNS} FROM devices{where} ORDER BY id LIMIT ? OFFSET ?"
        return [_device(r) for r in self._conn.execute(sql, (*params, *page(limit, offset)))]

    def count(self, *, kind: SensorKind | None = None) -> int:
        """Return how many devices there are, optionally of one kind."""
        where, params = (" WHERE kind = ?", [str(kind)]) if kind is not None else ("", [])
        return self._conn.execute(f"SELECT count(*) FROM devices{where}", params).fetchone()[0]


class SqliteReadingRepository:
    """ReadingRepository over one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def add_many(self, readings: Iterable[Reading]) -> int:
        """Store readings, ignoring exact repeats of (device_id, ts); return how many were new."""
        rows = [(r.device_id, time_to_db(r.ts, where=f"reading of {r.device_id}.ts"),
                 json_to_db(r.values, where=f"reading of {r.device_id}.values"), r.lon, r.lat) for r in readings]
        before = self._conn.total_changes
        self._conn.executemany(
            "INSERT INTO readings (device_id, ts, metric_values, lon, lat) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (device_id, ts) DO NOTHING",
            rows,
        )
        return self._conn.total_changes - before

    def list(self, *, device_id: str, since: datetime | None = None, limit: int = 100) -> list[Reading]:
        """Return a device's readings at or after since, newest first."""
        sql = "SELECT device_id, ts, metric_values, lon, lat FROM readings WHERE device_id = ?"
        params: list[object] = [device_id]
        if since is not None:
            sql += " AND ts >= ?"
            params.append(time_to_db(since, where="readings since"))
        rows = self._conn.execute(sql + " ORDER BY ts DESC LIMIT ?", (*params, page(limit)[0]))
        return [Reading(device_id=r["device_id"], ts=time_from_db(r["ts"]), values=json_from_db(r["metric_values"]),
                        lon=r["lon"], lat=r["lat"]) for r in rows]

    def count(self, *, device_id: str | None = None) -> int:
        """Return how many readings are stored, optionally of one device."""
        if device_id is None:
            return self._conn.execute("SELECT count(*) FROM readings").fetchone()[0]
        return self._conn.execute("SELECT count(*) FROM readings WHERE device_id = ?", (device_id,)).fetchone()[0]


class SqliteDeadLetterRepository:
    """DeadLetterRepository over one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def add(self, letter: DeadLetter) -> DeadLetter:
        """Store a refused message with its raw bytes; return it with its id."""
        cur = self._conn.execute(
            "INSERT INTO dead_letters (received_at, topic, payload, reason) VALUES (?, ?, ?, ?)",
            (time_to_db(letter.received_at, where=f"dead letter on {letter.topic}.received_at"), letter.topic,
             bytes(letter.payload), letter.reason),
        )
        return dataclasses.replace(letter, id=cur.lastrowid)

    def list(self, *, limit: int = 100, offset: int = 0) -> list[DeadLetter]:
        """Return dead letters, newest first."""
        rows = self._conn.execute(
            "SELECT id, received_at, topic, payload, reason FROM dead_letters"
            " ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?",
            page(limit, offset),
        )
        return [DeadLetter(received_at=time_from_db(r["received_at"]), topic=r["topic"], payload=bytes(r["payload"]),
                           reason=r["reason"], id=r["id"]) for r in rows]

    def count(self) -> int:
        """Return how many dead letters are stored."""
        return self._conn.execute("SELECT count(*) FROM dead_letters").fetchone()[0]
