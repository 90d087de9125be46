"""Camera health: one row per probe, apart from the camera row, so recording one leaves the cameras' revision."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from storage.sql.db import Db, delete_oldest
from storage.values import page
from video.health import Health
from video.models import HealthRecord

_COLUMNS = ("camera_id", "probed_at", "status", "measures", "open_ms", "width", "height", "fps", "detail")
_SELECT = f"SELECT {', '.join('h.' + c for c in _COLUMNS)} FROM camera_health h"


class SqlCameraHealthRepository:
    """CameraHealthRepository over one connection; it holds no revision counter on purpose."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _health(self, row: Any) -> HealthRecord:
        return HealthRecord(camera_id=row["camera_id"], probed_at=self._d.time_from_db(row["probed_at"]),
                            status=Health(row["status"]), measures=self._d.json_from_db(row["measures"]),
                            open_ms=row["open_ms"], width=row["width"], height=row["height"], fps=row["fps"],
                            detail=row["detail"])

    def record(self, health: HealthRecord) -> None:
        """Store one probe result (a second one of the same camera and instant overwrites it)."""
        where = f"camera {health.camera_id!r} health"
        values = ", ".join(["?", "?", "?", self._d.json_param, "?", "?", "?", "?", "?"])
        self._db.execute(
            f"INSERT INTO camera_health ({', '.join(_COLUMNS)}) VALUES ({values})"
            " ON CONFLICT (camera_id, probed_at) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[2:]),
            (health.camera_id, self._d.time_to_db(health.probed_at, where=f"{where}.probed_at"), str(health.status),
             self._d.json_to_db(health.measures, where=f"{where}.measures"), health.open_ms, health.width,
             health.height, health.fps, health.detail),
        )

    def latest(self, camera_ids: Iterable[str] | None = None) -> dict[str, HealthRecord]:
        """Return the newest probe of each camera (of these cameras, or of all), in one query."""
        ids = None if camera_ids is None else list(dict.fromkeys(camera_ids))
        if ids == []:
            return {}
        inner = "SELECT camera_id, max(probed_at) AS newest FROM camera_health"
        params: list[Any] = []
        if ids is not None:
            inner += f" WHERE camera_id IN ({', '.join(['?'] * len(ids))})"
            params = ids
        rows = self._db.execute(f"{_SELECT} JOIN ({inner} GROUP BY camera_id) m"
                                " ON h.camera_id = m.camera_id AND h.probed_at = m.newest", params)
        return {row["camera_id"]: self._health(row) for row in rows}

    def history(self, camera_id: str, *, limit: int = 100) -> list[HealthRecord]:
        """Return a camera's probes, newest first."""
        rows = self._db.execute(f"{_SELECT} WHERE h.camera_id = ? ORDER BY h.probed_at DESC LIMIT ?",
                                (camera_id, page(limit)[0]))
        return [self._health(r) for r in rows]

    def delete_older_than(self, cutoff: datetime, *, limit: int = 1000) -> int:
        """Delete at most limit probes taken before cutoff; return how many were deleted."""
        return delete_oldest(self._db, table="camera_health", key="(camera_id, probed_at)", time_column="probed_at",
                             order="probed_at", cutoff=cutoff, limit=limit)

    def reference(self, camera_id: str) -> bytes | None:
        """Return the camera's reference frame (JPEG bytes), or None before its first healthy probe."""
        row = self._db.one("SELECT frame_jpeg FROM camera_references WHERE camera_id = ?", (camera_id,))
        return None if row is None else base64.b64decode(row["frame_jpeg"])

    def set_reference(self, camera_id: str, jpeg: bytes | None, *, at: datetime) -> None:
        """Store (or with None forget) the camera's reference frame; the cameras' revision stays as it is."""
        if jpeg is None:
            self._db.execute("DELETE FROM camera_references WHERE camera_id = ?", (camera_id,))
            return
        # Base64 text: one column type both backends read and write alike.
        self._db.execute("INSERT INTO camera_references (camera_id, frame_jpeg, taken_at) VALUES (?, ?, ?)"
                         " ON CONFLICT (camera_id) DO UPDATE SET frame_jpeg = excluded.frame_jpeg,"
                         " taken_at = excluded.taken_at",
                         (camera_id, base64.b64encode(jpeg).decode("ascii"),
                          self._d.time_to_db(at, where=f"camera {camera_id!r} reference.taken_at")))

    def set_probe_frame(self, camera_id: str, jpeg: bytes, *, at: datetime, status: Health) -> None:
        """Keep the frame the camera's latest probe was judged on, replacing the one before."""
        self._db.execute("INSERT INTO camera_probe_frames (camera_id, frame_jpeg, probed_at, status) VALUES (?, ?, ?, ?)"
                         " ON CONFLICT (camera_id) DO UPDATE SET frame_jpeg = excluded.frame_jpeg,"
                         " probed_at = excluded.probed_at, status = excluded.status",
                         (camera_id, base64.b64encode(jpeg).decode("ascii"),
                          self._d.time_to_db(at, where=f"camera {camera_id!r} probe frame.probed_at"), str(status)))

    def probe_frame(self, camera_id: str) -> tuple[bytes, datetime, Health] | None:
        """Return the latest probe's judged frame (JPEG), when it was taken and the status it got, or None."""
        row = self._db.one("SELECT frame_jpeg, probed_at, status FROM camera_probe_frames WHERE camera_id = ?",
                           (camera_id,))
        if row is None:
            return None
        return base64.b64decode(row["frame_jpeg"]), self._d.time_from_db(row["probed_at"]), Health(row["status"])
