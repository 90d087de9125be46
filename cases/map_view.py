"""What the command-room map asks the store: the cases in view as points or as clusters, and text search.

Clusters are cut on a global grid of square cells in degrees anchored at (0, 0), so a cluster keeps its cell
as the operator pans: cell (ix, iy) = (floor(lon / cell_deg), floor(lat / cell_deg)). The cell size comes from
the zoom so a cell spans about CLUSTER_PX screen pixels on a 256-pixel Web-Mercator tile pyramid.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Protocol

from cases.models import CaseStatus, Platform
from cases.spatial_stats import BBox, Reach

CLUSTER_PX = 60.0
TILE_PX = 256.0
MAX_ZOOM = 22
# The key of by_platform for cases no platform holds yet (not routed).
UNROUTED = "unrouted"


def cell_deg_for_zoom(zoom: float, *, pixels: float = CLUSTER_PX) -> float:
    """Return the cluster cell size in degrees of longitude that spans `pixels` screen pixels at this zoom."""
    return pixels * 360.0 / (TILE_PX * 2.0 ** zoom)


@dataclass(frozen=True, slots=True)
class MapFilter:
    """Which cases the map shows: in a WGS-84 bbox, optionally by status, platform, category, open ones only."""

    bbox: BBox
    status: CaseStatus | None = None
    platform: Platform | None = None
    category: str | None = None
    open_only: bool = True
    reach: Reach | None = None


@dataclass(frozen=True, slots=True)
class CasePoint:
    """One case as the map draws it."""

    id: int
    lon: float
    lat: float
    status: str
    platform: str | None
    priority: str
    category: str
    title: str


@dataclass(frozen=True, slots=True)
class CaseCluster:
    """The cases of one cell: their mean position, count, counts by status and platform, and their extent."""

    ix: int
    iy: int
    lon: float
    lat: float
    count: int
    by_status: dict[str, int] = field(default_factory=dict)
    by_platform: dict[str, int] = field(default_factory=dict)
    bbox: BBox = (0.0, 0.0, 0.0, 0.0)


def cell_of(lon: float, lat: float, cell_deg: float) -> tuple[int, int]:
    """Return the cluster cell of a point, as the store computes it (same expression)."""
    return math.floor(lon / cell_deg), math.floor(lat / cell_deg)


@dataclass(frozen=True, slots=True)
class CaseHit:
    """A case whose number, title or description matched a search."""

    id: int
    title: str
    lon: float
    lat: float


class MapRepository(Protocol):
    def count_cases(self, chosen: MapFilter) -> int:
        """Return how many cases the filter chooses."""
        ...

    def case_points(self, chosen: MapFilter, *, limit: int) -> list[CasePoint]:
        """Return at most limit chosen cases, by id."""
        ...

    def case_clusters(self, chosen: MapFilter, *, cell_deg: float) -> list[CaseCluster]:
        """Return the non-empty cells of the chosen cases (one grouped query), by iy then ix."""
        ...

    def search_cases(self, text: str, *, reach: Reach | None, limit: int) -> list[CaseHit]:
        """Return cases whose title or description contains text (case-insensitive), newest first."""
        ...

    def search_grids(self, text: str, *, limit: int) -> list[str]:
        """Return codes of grids whose name or code contains text (case-insensitive), coarsest first."""
        ...


@dataclass(frozen=True, slots=True)
class CoordinateQuery:
    """A search typed as coordinates: two numbers and the CRS they are in (None: WGS-84)."""

    x: float
    y: float
    crs: str | None


_CASE_NUMBER = re.compile(r"^#?\s*(\d{1,10})$")
_COORDINATES = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?)\s*[,，\s]\s*([-+]?\d+(?:\.\d*)?)\s*(?:[,，\s]\s*([A-Za-z][\w:-]*))?\s*$")


def case_number(text: str) -> int | None:
    """Return the case id a query names ("123" or "#123"), or None."""
    match = _CASE_NUMBER.match(text.strip())
    return int(match.group(1)) if match else None


def coordinates(text: str) -> CoordinateQuery | None:
    """Return the coordinates a query names ("lon,lat" or "lon lat", then an optional CRS name), or None."""
    match = _COORDINATES.match(text)
    if not match:
        return None
    return CoordinateQuery(float(match.group(1)), float(match.group(2)), match.group(3))
