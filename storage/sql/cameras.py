"""Cameras: points with a view cone, filtered by place the way the dialect says; their logins in a table apart."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from storage import revisions
from storage.revisions import PendingRevisions
from storage.sql.db import Db, upsert_set, where
from storage.values import BBox, page
from video.models import Camera, Credentials, Mount

_COLUMNS = ("id", "name", "lon", "lat", "bearing_deg", "fov_deg", "range_m", "owner", "stream_url", "height_m",
            "mount", "grid_code", "gb_device_id", "live_url", "diagnosis_overrides")
# has_credentials is read, never written: the login lives in camera_credentials.
_SELECT = (f"SELECT {', '.join('c.' + c for c in _COLUMNS)},"
           " EXISTS (SELECT 1 FROM camera_credentials k WHERE k.camera_id = c.id) AS has_credentials FROM cameras c")


def _camera(row: Any) -> Camera:
    return Camera(id=row["id"], name=row["name"], lon=row["lon"], lat=row["lat"], bearing_deg=row["bearing_deg"],
                  fov_deg=row["fov_deg"], range_m=row["range_m"], owner=row["owner"], stream_url=row["stream_url"],
                  height_m=row["height_m"], mount=Mount(row["mount"]), grid_code=row["grid_code"],
                  gb_device_id=row["gb_device_id"], live_url=row["live_url"],
                  diagnosis_overrides=json.loads(row["diagnosis_overrides"] or "{}"),
                  has_credentials=bool(row["has_credentials"]))


class SqlCameraRepository:
    """CameraRepository over one connection."""

    def __init__(self, db: Db, pending: PendingRevisions) -> None:
        self._db = db
        self._revisions = pending

    def _where(self, bbox: BBox | None) -> tuple[str, list[Any]]:
        return where(None if bbox is None else self._db.dialect.point_in_bbox(bbox))

    def upsert_many(self, cameras: Iterable[Camera], credentials: Mapping[str, Credentials] | None = None) -> int:
        """Insert or overwrite cameras by id, with the credentials given for some; return how many were written."""
        rows = [(c.id, c.name, c.lon, c.lat, c.bearing_deg, c.fov_deg, c.range_m, c.owner, c.stream_url, c.height_m,
                 str(c.mount), c.grid_code, c.gb_device_id, c.live_url, json.dumps(c.diagnosis_overrides, sort_keys=True))
                for c in cameras]
        if not rows:
            return 0
        self._db.many(
            f"INSERT INTO cameras ({', '.join(_COLUMNS)}) VALUES ({', '.join(['?'] * len(_COLUMNS))})"
            f" ON CONFLICT (id) DO UPDATE SET {upsert_set(_COLUMNS[1:])}",
            rows,
        )
        logins = [(camera_id, k.username, k.password) for camera_id, k in (credentials or {}).items()]
        self._db.many("INSERT INTO camera_credentials (camera_id, username, password) VALUES (?, ?, ?)"
                      f" ON CONFLICT (camera_id) DO UPDATE SET {upsert_set(('username', 'password'))}", logins)
        self._revisions.touch(revisions.CAMERAS)
        return len(rows)

    def replace_all(self, cameras: Iterable[Camera], credentials: Mapping[str, Credentials] | None = None) -> int:
        """Make these the only cameras; return how many were written (the kept ones keep their logins)."""
        incoming = list(cameras)
        keep = {c.id for c in incoming}
        gone = [(r["id"],) for r in self._db.execute("SELECT id FROM cameras") if r["id"] not in keep]
        self._db.many("DELETE FROM camera_credentials WHERE camera_id = ?", gone)
        self._db.many("DELETE FROM cameras WHERE id = ?", gone)
        self._revisions.touch(revisions.CAMERAS)
        return self.upsert_many(incoming, credentials)

    def get(self, camera_id: str) -> Camera | None:
        """Return the camera, or None."""
        row = self._db.one(f"{_SELECT} WHERE c.id = ?", (camera_id,))
        return None if row is None else _camera(row)

    def all(self) -> list[Camera]:
        """Return every camera ordered by id."""
        return [_camera(r) for r in self._db.execute(f"{_SELECT} ORDER BY c.id")]

    def list(self, *, bbox: BBox | None = None, limit: int = 100, offset: int = 0) -> list[Camera]:
        """Return cameras ordered by id, optionally inside a WGS-84 bbox."""
        clause, params = self._where(bbox)
        sql = f"{_SELECT}{clause} ORDER BY c.id LIMIT ? OFFSET ?"
        return [_camera(r) for r in self._db.execute(sql, (*params, *page(limit, offset)))]

    def count(self, *, bbox: BBox | None = None) -> int:
        """Return how many cameras there are, optionally inside a WGS-84 bbox."""
        clause, params = self._where(bbox)
        return self._db.scalar(f"SELECT count(*) FROM cameras c{clause}", params)

    def credentials(self, camera_id: str) -> Credentials | None:
        """Return the stream login of a camera, for the probe side only; None when it has none."""
        row = self._db.one("SELECT username, password FROM camera_credentials WHERE camera_id = ?", (camera_id,))
        return None if row is None else Credentials(username=row["username"], password=row["password"])

    def set_credentials(self, camera_id: str, credentials: Credentials | None) -> None:
        """Store (or with None remove) a camera's stream login; the camera row and its revision stay as they are."""
        if credentials is None:
            self._db.execute("DELETE FROM camera_credentials WHERE camera_id = ?", (camera_id,))
            return
        self._db.execute("INSERT INTO camera_credentials (camera_id, username, password) VALUES (?, ?, ?)"
                         f" ON CONFLICT (camera_id) DO UPDATE SET {upsert_set(('username', 'password'))}",
                         (camera_id, credentials.username, credentials.password))

    def revision(self) -> int:
        """Return a number that changes whenever any camera changes."""
        return self._revisions.current(revisions.CAMERAS)
