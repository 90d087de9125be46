"""Devices, readings and dead letters."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from iot.models import DeadLetter, Device, MetricRange, Reading, SensorKind
from storage import revisions
from storage.revisions import PendingRevisions
from storage.sql.db import Db, delete_oldest, equals, upsert_set, where
from storage.values import page

_DEVICE_COLUMNS = ("id", "kind", "name", "lon", "lat", "mobile", "grid_code", "department", "metrics", "interval_s")
_DEVICE_SELECT = f"SELECT {', '.join(_DEVICE_COLUMNS)} FROM devices"


def _metrics_to_db(metrics: dict[str, MetricRange]) -> dict[str, dict[str, Any]]:
    return {m: {"unit": r.unit, "min": r.min, "max": r.max} for m, r in metrics.items()}


class SqlDeviceRepository:
    """DeviceRepository over one connection."""

    def __init__(self, db: Db, pending: PendingRevisions) -> None:
        self._db = db
        self._revisions = pending
        self._d = db.dialect

    def _device(self, row: Any) -> Device:
        # bool(): SQLite keeps booleans as 0/1; both drivers take a Python bool as a parameter.
        metrics = self._d.json_from_db(row["metrics"]) or {}
        return Device(id=row["id"], kind=SensorKind(row["kind"]), name=row["name"], lon=row["lon"], lat=row["lat"],
                      mobile=bool(row["mobile"]), grid_code=row["grid_code"], department=row["department"],
                      metrics={m: MetricRange(unit=r["unit"], min=r["min"], max=r["max"]) for m, r in metrics.items()},
                      interval_s=row["interval_s"])

    def upsert_many(self, devices: Iterable[Device]) -> int:
        """Insert or overwrite devices by id; return how many were written."""
        to_json = self._d.json_to_db
        rows = [(d.id, str(d.kind), d.name, d.lon, d.lat, bool(d.mobile), d.grid_code, d.department,
                 to_json(_metrics_to_db(d.metrics), where=f"device {d.id}.metrics"), d.interval_s) for d in devices]
        if rows:
            self._revisions.touch(revisions.DEVICES)
        values = ", ".join(self._d.json_param if c == "metrics" else "?" for c in _DEVICE_COLUMNS)
        self._db.many(
            f"INSERT INTO devices ({', '.join(_DEVICE_COLUMNS)}) VALUES ({values})"
            f" ON CONFLICT (id) DO UPDATE SET {upsert_set(_DEVICE_COLUMNS[1:])}",
            rows,
        )
        return len(rows)

    def replace_all(self, devices: Iterable[Device]) -> int:
        """Make these the only devices (readings and alerts of others stay); return how many were written."""
        self._db.execute("DELETE FROM devices")
        self._revisions.touch(revisions.DEVICES)
        return self.upsert_many(devices)

    def revision(self) -> int:
        """Return a number that changes whenever any device changes (the ingest's catalogue reloads on it)."""
        return self._revisions.current(revisions.DEVICES)

    def get(self, device_id: str) -> Device | None:
        """Return the device, or None."""
        row = self._db.one(f"{_DEVICE_SELECT} WHERE id = ?", (device_id,))
        return None if row is None else self._device(row)

    def all(self) -> list[Device]:
        """Return every device ordered by id."""
        return [self._device(r) for r in self._db.execute(f"{_DEVICE_SELECT} ORDER BY id")]

    def list(self, *, kind: SensorKind | None = None, grid_code: str | None = None, department: str | None = None,
             limit: int = 100, offset: int = 0) -> list[Device]:
        """Return devices ordered by id, optionally of one kind, grid or department."""
        clause, params = where(equals("kind", kind), equals("grid_code", grid_code), equals("department", department))
        sql = f"{_DEVICE_SELECT}{clause} ORDER BY id LIMIT ? OFFSET ?"
        return [self._device(r) for r in self._db.execute(sql, (*params, *page(limit, offset)))]

    def count(self, *, kind: SensorKind | None = None, grid_code: str | None = None,
              department: str | None = None) -> int:
        """Return how many devices there are, optionally of one kind, grid or department."""
        clause, params = where(equals("kind", kind), equals("grid_code", grid_code), equals("department", department))
        return self._db.scalar(f"SELECT count(*) FROM devices{clause}", params)

    def delete(self, device_id: str) -> bool:
        """Retire a device (its readings stay); return whether it existed."""
        if self._db.one("SELECT id FROM devices WHERE id = ?", (device_id,)) is None:
            return False
        self._db.execute("DELETE FROM devices WHERE id = ?", (device_id,))
        self._revisions.touch(revisions.DEVICES)
        return True


class SqlReadingRepository:
    """ReadingRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def add_many(self, readings: Iterable[Reading]) -> int:
        """Store readings, ignoring exact repeats of (device_id, ts); return how many were new."""
        time_to_db, json_to_db = self._d.time_to_db, self._d.json_to_db
        rows = [(r.device_id, time_to_db(r.ts, where=f"reading of {r.device_id}.ts"),
                 json_to_db(r.values, where=f"reading of {r.device_id}.values"), r.lon, r.lat) for r in readings]
        # Repeats write no row, so the count of rows written is the count of new readings.
        return self._db.many(
            f"INSERT INTO readings (device_id, ts, metric_values, lon, lat) VALUES (?, ?, {self._d.json_param}, ?, ?)"
            " ON CONFLICT (device_id, ts) DO NOTHING",
            rows,
        )

    def add_new(self, readings: Sequence[Reading]) -> list[Reading]:
        """Store readings with multi-row inserts, ignoring repeats of (device_id, ts); return the new ones in order."""
        time_to_db, json_to_db = self._d.time_to_db, self._d.json_to_db
        keyed: dict[tuple[str, Any], tuple[Reading, tuple[Any, ...]]] = {}
        for r in readings:
            ts = time_to_db(r.ts, where=f"reading of {r.device_id}.ts")
            # A repeat inside the batch is a repeat too: the first one stands for both.
            keyed.setdefault((r.device_id, ts), (r, (r.device_id, ts, json_to_db(r.values, where=f"reading of "
                                                                                  f"{r.device_id}.values"),
                                                     r.lon, r.lat)))
        returned = self._d.insert_returning(
            self._db, table="readings", columns=("device_id", "ts", "metric_values", "lon", "lat"),
            types=("text", "timestamptz", "jsonb", "float8", "float8"), rows=[row for _, row in keyed.values()],
            suffix="ON CONFLICT (device_id, ts) DO NOTHING RETURNING device_id, ts")
        written = {(row["device_id"], row["ts"]) for row in returned}
        return [reading for key, (reading, _) in keyed.items() if key in written]

    def list(self, *, device_id: str, since: datetime | None = None, limit: int = 100) -> list[Reading]:
        """Return a device's readings at or after since, newest first."""
        sql = "SELECT device_id, ts, metric_values, lon, lat FROM readings WHERE device_id = ?"
        params: list[object] = [device_id]
        if since is not None:
            sql += " AND ts >= ?"
            params.append(self._d.time_to_db(since, where="readings since"))
        rows = self._db.execute(sql + " ORDER BY ts DESC LIMIT ?", (*params, page(limit)[0]))
        return [Reading(device_id=r["device_id"], ts=self._d.time_from_db(r["ts"]),
                        values=self._d.json_from_db(r["metric_values"]), lon=r["lon"], lat=r["lat"]) for r in rows]

    def count(self, *, device_id: str | None = None) -> int:
        """Return how many readings are stored, optionally of one device."""
        clause, params = where(equals("device_id", device_id))
        return self._db.scalar(f"SELECT count(*) FROM readings{clause}", params)

    def delete_older_than(self, cutoff: datetime, *, limit: int = 1000) -> int:
        """Delete at most limit readings taken before cutoff, oldest first; return how many were deleted."""
        return delete_oldest(self._db, table="readings", key="(device_id, ts)", time_column="ts",
                             order="ts", cutoff=cutoff, limit=limit)

    def newest_at(self) -> datetime | None:
        """Return the time of the newest reading, or None; one probe of the readings_ts index."""
        newest = self._db.scalar("SELECT max(ts) FROM readings")
        return None if newest is None else self._d.time_from_db(newest)


_LETTER_INSERT = ("INSERT INTO dead_letters (received_at, topic, payload, reason, payload_size, payload_sha256)"
                  " VALUES (?, ?, ?, ?, ?, ?)")


class SqlDeadLetterRepository:
    """DeadLetterRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def add(self, letter: DeadLetter) -> DeadLetter:
        """Store a refused message with its kept bytes, size and hash; return it with its id."""
        row = self._db.insert(f"{_LETTER_INSERT} RETURNING id", self._letter_row(letter))
        return dataclasses.replace(letter, id=row["id"])

    def add_many(self, letters: Sequence[DeadLetter]) -> int:
        """Store refused messages in one statement per backend batch; return how many were stored."""
        return self._db.many(_LETTER_INSERT, [self._letter_row(letter) for letter in letters])

    def _letter_row(self, letter: DeadLetter) -> tuple[Any, ...]:
        return (self._d.time_to_db(letter.received_at, where=f"dead letter on {letter.topic}.received_at"),
                letter.topic, bytes(letter.payload), letter.reason, letter.size, letter.sha256)

    def list(self, *, limit: int = 100, offset: int = 0) -> list[DeadLetter]:
        """Return dead letters, newest first."""
        rows = self._db.execute(
            "SELECT id, received_at, topic, payload, reason, payload_size, payload_sha256 FROM dead_letters"
            " ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?",
            page(limit, offset),
        )
        # An empty hash is a letter kept whole before migration 0009 on SQLite; DeadLetter hashes it then.
        return [DeadLetter(received_at=self._d.time_from_db(r["received_at"]), topic=r["topic"],
                           payload=bytes(r["payload"]), reason=r["reason"], id=r["id"], size=r["payload_size"],
                           sha256=r["payload_sha256"]) for r in rows]

    def count(self) -> int:
        """Return how many dead letters are stored."""
        return self._db.scalar("SELECT count(*) FROM dead_letters")

    def delete_older_than(self, cutoff: datetime, *, limit: int = 1000) -> int:
        """Delete at most limit dead letters received before cutoff, oldest first; return how many were deleted."""
        return delete_oldest(self._db, table="dead_letters", key="id", time_column="received_at",
                             order="received_at, id", cutoff=cutoff, limit=limit)
