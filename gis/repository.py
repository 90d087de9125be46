"""The store grids need; storage backends implement it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from gis.models import Grid, GridSet, GridStaff

BBox = tuple[float, float, float, float]


class GridRepository(Protocol):
    def upsert_many(self, grids: Iterable[Grid]) -> int:
        """Insert or overwrite grids of the active set by code (parents one level up); return how many were written."""
        ...

    def replace_all(self, grids: Iterable[Grid]) -> int:
        """Make these the only grids (another town's are kept as an earlier set); return how many were written."""
        ...

    def get(self, code: str) -> Grid | None: ...
    def all(self) -> list[Grid]: ...
    def list(self, *, level: int | None = None, parent_code: str | None = None, bbox: BBox | None = None,
             limit: int = 100, offset: int = 0) -> list[Grid]:
        """Return grids ordered by code; bbox is (min_lon, min_lat, max_lon, max_lat) in WGS-84."""
        ...

    def count(self, *, level: int | None = None, parent_code: str | None = None, bbox: BBox | None = None) -> int: ...
    def revision(self) -> int:
        """Return a number that changes whenever any grid changes."""
        ...

    def replace_set(self, grids: Iterable[Grid], *, source: str, note: str = "", created_at: datetime) -> GridSet:
        """Keep the active set as an earlier version and make these grids the active set, in the caller's unit of work."""
        ...

    def sets(self) -> list[GridSet]:
        """Return every grid set, newest first; the first is the active one."""
        ...

    def set_grids(self, set_id: int) -> list[Grid]:
        """Return the grids of one set (active or earlier), ordered by code."""
        ...

    def set_staff(self, code: str, staff: Sequence[GridStaff]) -> None:
        """Make these the grid's staff (kept by code, so they survive a new set that keeps the code)."""
        ...
