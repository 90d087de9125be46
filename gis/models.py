"""Grids: the administrative cells every incident, device, camera and team is located in."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from shapely.geometry.base import BaseGeometry


class GridLevel(IntEnum):
    """Grid levels from the coarsest to the finest (seed 001: town, village, natural village)."""

    TOWN = 1
    VILLAGE = 2
    NATURAL_VILLAGE = 3


@dataclass(frozen=True, slots=True)
class Grid:
    """One grid cell: its code, name, level, parent and boundary in WGS-84 (lon, lat)."""

    code: str
    name: str
    level: GridLevel
    parent_code: str | None
    geometry: BaseGeometry = field(repr=False, compare=False)
    staff: str = ""


@dataclass(frozen=True, slots=True)
class GridPath:
    """The grids containing a point, coarsest first; empty when the point lies outside every grid."""

    codes: tuple[str, ...] = ()

    @property
    def finest(self) -> str | None:
        """Return the code of the finest grid, or None outside the town."""
        return self.codes[-1] if self.codes else None
