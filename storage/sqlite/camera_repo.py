"""Cameras in SQLite."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from storage import revisions
from storage.revisions import PendingRevisions
from storage.values import BBox, bbox_floats, page
from video.models import Camera, CameraStatus

_COLUMNS = "id, name, lon, lat, bearing_deg, fov_deg, range_m, owner, stream_url, status"


def _camera(row: sqlite3.Row) -> Camera:
    return Camera(id=row["id"], name=row["name"], lon=row["lon"], lat=row["lat"], bearing_deg=row["bearing_deg"],
                  fov_deg=row["fov_deg"], range_m=row["range_m"], owner=row["owner"], stream_url=row["stream_url"],
                  status=CameraStatus(row["status"]))


def _where(bbox: BBox | None) -> tuple[str, list[Any]]:
    if bbox is None:
        return "", []
    min_lon, min_lat, max_lon, max_lat = bbox_floats(bbox)
    return " WHERE lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?", [min_lon, max_lon, min_lat, max_lat]


class SqliteCameraRepository:
    """CameraRepository over one SQLite connection."""

    def __init__(self, conn: sqlite3.Connection, pending: PendingRevisions) -> None:
        self._conn = conn
        self._revisions = pending

    def upsert_many(self, cameras: Iterable[Camera]) -> int:
        """Insert or overwrite cameras by id; return how many were written."""
        rows = [(c.id, c.name, c.lon, c.lat, c.bearing_deg, c.fov_deg, c.range_m, c.owner, c.stream_url, str(c.status))
                for c in cameras]
        if not rows:
            return 0
        self._conn.executemany(
            f"INSERT INTO cameras ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET name = excluded.name, lon = excluded.lon, lat = excluded.lat,"
            " bearing_deg = excluded.bearing_deg, fov_deg = excluded.fov_deg, range_m = excluded.range_m,"
            " owner = excluded.owner, stream_url = excluded.stream_url, status = excluded.status",
            rows,
        )
        self._revisions.touch(revisions.CAMERAS)
        return len(rows)

    def get(self, camera_id: str) -> Camera | None:
        """Return the camera, or None."""
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM cameras WHERE id = ?", (camera_id,)).fetchone()
        return None if row is None else _camera(row)

    def all(self) -> list[Camera]:
        """Return every camera ordered by id."""
        return [_camera(r) for r in self._conn.execute(f"SELECT {_COLUMNS} FROM cameras ORDER BY id")]

    def list(self, *, bbox: BBox | None = None, limit: int = 100, offset: int = 0) -> list[Camera]:
        """Return cameras ordered by id, optionally inside a WGS-84 bbox."""
        where, params = _where(bbox)
        sql = f"SELECT {_COLUMNS} FROM cameras{where} ORDER BY id LIMIT ? OFFSET ?"
        return [_camera(r) for r in self._conn.execute(sql, (*params, *page(limit, offset)))]

    def count(self, *, bbox: BBox | None = None) -> int:
        """Return how many cameras there are, optionally inside a WGS-84 bbox."""
        where, params = _where(bbox)
        return self._conn.execute(f"SELECT count(*) FROM cameras{where}", params).fetchone()[0]

    def revision(self) -> int:
        """Return a number that changes whenever any camera changes."""
        return self._revisions.current(revisions.CAMERAS)
