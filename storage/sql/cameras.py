"""Cameras: points with a view cone, filtered by place the way the dialect says."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from storage import revisions
from storage.revisions import PendingRevisions
from storage.sql.db import Db, upsert_set, where
from storage.values import BBox, page
from video.models import Camera, CameraStatus

_COLUMNS = ("id", "name", "lon", "lat", "bearing_deg", "fov_deg", "range_m", "owner", "stream_url", "status")
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM cameras"


def _camera(row: Any) -> Camera:
    return Camera(id=row["id"], name=row["name"], lon=row["lon"], lat=row["lat"], bearing_deg=row["bearing_deg"],
                  fov_deg=row["fov_deg"], range_m=row["range_m"], owner=row["owner"], stream_url=row["stream_url"],
                  status=CameraStatus(row["status"]))


class SqlCameraRepository:
    """CameraRepository over one connection."""

    def __init__(self, db: Db, pending: PendingRevisions) -> None:
        self._db = db
        self._revisions = pending

    def _where(self, bbox: BBox | None) -> tuple[str, list[Any]]:
        return where(None if bbox is None else self._db.dialect.point_in_bbox(bbox))

    def upsert_many(self, cameras: Iterable[Camera]) -> int:
        """Insert or overwrite cameras by id; return how many were written."""
        rows = [(c.id, c.name, c.lon, c.lat, c.bearing_deg, c.fov_deg, c.range_m, c.owner, c.stream_url, str(c.status))
                for c in cameras]
        if not rows:
            return 0
        self._db.many(
            f"INSERT INTO cameras ({', '.join(_COLUMNS)}) VALUES ({', '.join(['?'] * len(_COLUMNS))})"
            f" ON CONFLICT (id) DO UPDATE SET {upsert_set(_COLUMNS[1:])}",
            rows,
        )
        self._revisions.touch(revisions.CAMERAS)
        return len(rows)

    def replace_all(self, cameras: Iterable[Camera]) -> int:
        """Make these the only cameras; return how many were written."""
        self._db.execute("DELETE FROM cameras")
        self._revisions.touch(revisions.CAMERAS)
        return self.upsert_many(cameras)

    def get(self, camera_id: str) -> Camera | None:
        """Return the camera, or None."""
        row = self._db.one(f"{_SELECT} WHERE id = ?", (camera_id,))
        return None if row is None else _camera(row)

    def all(self) -> list[Camera]:
        """Return every camera ordered by id."""
        return [_camera(r) for r in self._db.execute(f"{_SELECT} ORDER BY id")]

    def list(self, *, bbox: BBox | None = None, limit: int = 100, offset: int = 0) -> list[Camera]:
        """Return cameras ordered by id, optionally inside a WGS-84 bbox."""
        clause, params = self._where(bbox)
        sql = f"{_SELECT}{clause} ORDER BY id LIMIT ? OFFSET ?"
        return [_camera(r) for r in self._db.execute(sql, (*params, *page(limit, offset)))]

    def count(self, *, bbox: BBox | None = None) -> int:
        """Return how many cameras there are, optionally inside a WGS-84 bbox."""
        clause, params = self._where(bbox)
        return self._db.scalar(f"SELECT count(*) FROM cameras{clause}", params)

    def revision(self) -> int:
        """Return a number that changes whenever any camera changes."""
        return self._revisions.current(revisions.CAMERAS)
