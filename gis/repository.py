"""The store grids need; storage backends implement it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from gis.models import Grid, GridLevel

BBox = tuple[float, float, float, float]


class GridRepository(Protocol):
    def upsert_many(self, grids: Iterable[Grid]) -> int: ...
    def replace_all(self, grids: Iterable[Grid]) -> int:
        """Make these the only grids (another town's are deleted); return how many were written."""
        ...

    def get(self, code: str) -> Grid | None: ...
    def all(self) -> list[Grid]: ...
    def list(self, *, level: GridLevel | None = None, parent_code: str | None = None, bbox: BBox | None = None,
             limit: int = 100, offset: int = 0) -> list[Grid]:
        """Return grids ordered by code; bbox is (min_lon, min_lat, max_lon, max_lat) in WGS-84."""
        ...

    def count(self, *, level: GridLevel | None = None, parent_code: str | None = None, bbox: BBox | None = None) -> int: ...
    def revision(self) -> int:
        """Return a number that changes whenever any grid changes."""
        ...
