"""Grids: the administrative cells every incident, device, camera and team is located in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum

from shapely.geometry.base import BaseGeometry


class GridLevel(IntEnum):
    """The seed's grid levels (seed 001: town, village, natural village).

    A grid's level is any whole number from 1 (the coarsest in its set) down: a city adds levels above the town,
    a dense town levels below the natural village. These names are the synthetic town's.
    """

    TOWN = 1
    VILLAGE = 2
    NATURAL_VILLAGE = 3


@dataclass(frozen=True, slots=True)
class Grid:
    """One grid cell: its code, name, level (1 the coarsest), parent, boundary in WGS-84 (lon, lat) and staff."""

    code: str
    name: str
    level: int
    parent_code: str | None
    geometry: BaseGeometry = field(repr=False, compare=False)
    staff: tuple[GridStaff, ...] = ()


@dataclass(frozen=True, slots=True)
class GridPath:
    """The grids containing a point, coarsest first; empty when the point lies outside every grid."""

    codes: tuple[str, ...] = ()

    @property
    def finest(self) -> str | None:
        """Return the code of the finest grid, or None outside the town."""
        return self.codes[-1] if self.codes else None


class StaffRole(StrEnum):
    """A grid's people (seed 001, "one head, two members"): its head, its members, its inspector."""

    HEAD = "head"
    MEMBER = "member"
    INSPECTOR = "inspector"


@dataclass(frozen=True, slots=True)
class GridStaff:
    """One person serving a grid; username is their gridwatch account, empty when they have none."""

    role: StaffRole
    name: str
    phone: str = ""
    username: str = ""


@dataclass(frozen=True, slots=True)
class GridSet:
    """One version of the town's grids: the active set, or an earlier one kept when a new set replaced it."""

    id: int
    created_at: datetime
    source: str
    note: str
    grid_count: int
    active: bool
