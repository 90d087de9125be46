"""Answers of the heavy spatial questions: heatmap bins, counts per grid, what stands near a point."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.responses.common import Instant, ReadModel
from cases.models import Platform, TeamStatus
from cases.spatial_stats import StatsOf


class HeatBinRead(ReadModel):
    """One non-empty bin: its indexes on the plane, its centre in WGS-84 and its count."""

    ix: int
    iy: int
    lon: float
    lat: float
    count: Annotated[int, Field(ge=1)]


class HeatmapRead(ReadModel):
    """The non-empty bins of a period, cut on a plane tangent at the bbox's south-west corner (see docs/api.md)."""

    of: StatsOf
    since: Instant
    until: Instant
    cell_m: float
    category: str | None
    bbox: Annotated[list[float] | None, Field(description="the bbox asked for; null: the records' extent was binned")]
    origin: Annotated[list[float] | None, Field(description="the plane's south-west corner (lon, lat); null: no records")]
    total: Annotated[int, Field(ge=0, description="records in the bins")]
    bins: list[HeatBinRead]


class GridCountRead(ReadModel):
    """How many records lie in one grid, its finer grids included; level is its depth (1 = coarsest)."""

    code: str
    level: int
    count: Annotated[int, Field(ge=0)]


class GridCountsRead(ReadModel):
    """Counts per grid of a period, and how many lay outside every grid (kept, never dropped)."""

    of: StatsOf
    level: int | None
    total: Annotated[int, Field(ge=0)]
    outside_jurisdiction: Annotated[int, Field(ge=0, description="records with an empty grid path")]
    grids: list[GridCountRead]


class NearbyTeam(ReadModel):
    """A team standing within the radius (any status), with its distance in metres."""

    id: str
    name: str
    platform: Platform
    status: TeamStatus
    lon: float
    lat: float
    distance_m: float


class NearbyCamera(ReadModel):
    """A camera standing within the radius (whatever it faces), with its distance in metres."""

    id: str
    name: str
    lon: float
    lat: float
    distance_m: float


class NearbyRead(ReadModel):
    """What stands within radius_m of a point (in WGS-84), nearest first."""

    lon: float
    lat: float
    radius_m: float
    teams: list[NearbyTeam]
    cameras: list[NearbyCamera]
