"""The stores the video stage needs; storage backends implement them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Protocol

from video.health import Health
from video.models import Camera, Credentials, HealthRecord

BBox = tuple[float, float, float, float]


class CameraRepository(Protocol):
    def upsert_many(self, cameras: Iterable[Camera],
                    credentials: Mapping[str, Credentials] | None = None) -> int:
        """Insert or overwrite cameras by id, with the credentials given for some; return how many were written.

        A camera without an entry in credentials keeps what the store holds for it.
        """
        ...

    def replace_all(self, cameras: Iterable[Camera],
                    credentials: Mapping[str, Credentials] | None = None) -> int:
        """Make these the only cameras; return how many were written."""
        ...

    def get(self, camera_id: str) -> Camera | None: ...
    def all(self) -> list[Camera]: ...
    def list(self, *, bbox: BBox | None = None, limit: int = 100, offset: int = 0) -> list[Camera]: ...
    def count(self, *, bbox: BBox | None = None) -> int: ...
    def credentials(self, camera_id: str) -> Credentials | None:
        """Return the stream login of a camera, for the probe side only; None when it has none."""
        ...

    def set_credentials(self, camera_id: str, credentials: Credentials | None) -> None:
        """Store (or with None remove) a camera's stream login."""
        ...

    def revision(self) -> int:
        """Return a number that changes whenever any camera changes."""
        ...


class CameraHealthRepository(Protocol):
    """Probe results, apart from the registry: recording one never changes the cameras' revision."""

    def record(self, health: HealthRecord) -> None:
        """Store one probe result (a second one of the same camera and instant overwrites it)."""
        ...

    def latest(self, camera_ids: Iterable[str] | None = None) -> dict[str, HealthRecord]:
        """Return the newest probe of each camera (of these cameras, or of all), in one query."""
        ...

    def history(self, camera_id: str, *, limit: int = 100) -> list[HealthRecord]:
        """Return a camera's probes, newest first."""
        ...

    def delete_older_than(self, cutoff: datetime, *, limit: int = 1000) -> int:
        """Delete at most limit probes taken before cutoff; return how many were deleted."""
        ...

    def reference(self, camera_id: str) -> bytes | None:
        """Return the camera's reference frame (JPEG bytes), or None before its first healthy probe."""
        ...

    def set_reference(self, camera_id: str, jpeg: bytes | None, *, at: datetime) -> None:
        """Store (or with None forget) the camera's reference frame; the cameras' revision stays as it is."""
        ...

    def set_probe_frame(self, camera_id: str, jpeg: bytes, *, at: datetime, status: Health) -> None:
        """Keep the frame the camera's latest probe was judged on, replacing the one before."""
        ...

    def probe_frame(self, camera_id: str) -> tuple[bytes, datetime, Health] | None:
        """Return the latest probe's judged frame (JPEG), when it was taken and the status it got, or None."""
        ...
