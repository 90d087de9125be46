"""The store the video stage needs; storage backends implement it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from video.models import Camera

BBox = tuple[float, float, float, float]


class CameraRepository(Protocol):
    def upsert_many(self, cameras: Iterable[Camera]) -> int: ...
    def replace_all(self, cameras: Iterable[Camera]) -> int:
        """Make these the only cameras; return how many were written."""
        ...

    def get(self, camera_id: str) -> Camera | None: ...
    def all(self) -> list[Camera]: ...
    def list(self, *, bbox: BBox | None = None, limit: int = 100, offset: int = 0) -> list[Camera]: ...
    def count(self, *, bbox: BBox | None = None) -> int: ...
    def revision(self) -> int:
        """Return a number that changes whenever any camera changes."""
        ...
