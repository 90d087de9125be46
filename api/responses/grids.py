"""Answers about grids: the hierarchy with staff and counts, where points lie, and the history of grid sets."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from api.responses.common import AreaGeometry, FeatureCollection, Instant, Page, ReadModel
from gis.models import StaffRole

GridLevelNumber = Annotated[int, Field(ge=1, description="1 is the coarsest level (the seeds: 1 town, 2 village, "
                                                         "3 natural village); a grid set may go any depth below")]


class GridStaffRead(ReadModel):
    """One person serving a grid: head (网格长), member (网格员) or inspector (巡查员)."""

    role: StaffRole
    name: str
    phone: Annotated[str, Field(description="masked (138****0000) for callers who may not read personal data")]
    username: Annotated[str, Field(description="their gridwatch account, empty when they have none")]


class GridRef(ReadModel):
    """A grid named: code, name, level and parent."""

    code: str
    name: str
    level: GridLevelNumber
    parent_code: str | None


class GridRead(GridRef):
    """A grid: code, name, level, parent and staff."""

    staff: list[GridStaffRead]


class GridSummary(GridRead):
    """A grid with the open cases and alerts lying in it, its finer grids' included."""

    open_cases: Annotated[int, Field(ge=0, description="cases not closed in the grid (within the caller's reach)")]
    open_alerts: Annotated[int, Field(ge=0, description="alerts raised or acknowledged, not cleared")]


class GridPage(Page[GridSummary]):
    """A page of grids."""


class GridFeature(ReadModel):
    """A grid as a GeoJSON feature with its boundary."""

    type: Literal["Feature"]
    id: str
    geometry: AreaGeometry
    properties: GridSummary


class GridFeatureCollection(FeatureCollection[GridFeature]):
    """A page of grids with their boundaries."""


GridList = Annotated[GridPage | GridFeatureCollection, Field(union_mode="left_to_right")]


class GridDetailProperties(GridSummary):
    """One grid in full: staff, counts, its parent and the codes of the grids just under it."""

    parent: GridRef | None
    children: Annotated[list[str], Field(description="codes of the grids one level down, by code")]


class GridDetail(ReadModel):
    """One grid as a GeoJSON feature with its boundary and detail."""

    type: Literal["Feature"]
    id: str
    geometry: AreaGeometry
    properties: GridDetailProperties


class GridLocation(ReadModel):
    """The grids containing a point, coarsest first, with the point in WGS-84."""

    lon: Annotated[float, Field(description="WGS-84")]
    lat: Annotated[float, Field(description="WGS-84")]
    crs: Annotated[str, Field(description="the coordinate system the point was given in")]
    grid_path: Annotated[list[str], Field(description="codes, coarsest first; empty outside every grid")]
    grids: list[GridRef]
    outside_jurisdiction: Annotated[bool, Field(description="no grid contains the point; it is kept, never dropped")]


class LocatedPoint(ReadModel):
    """Where one point of a bulk request lies."""

    lon: Annotated[float, Field(description="WGS-84")]
    lat: Annotated[float, Field(description="WGS-84")]
    grid_path: Annotated[list[str], Field(description="codes, coarsest first; empty outside every grid")]
    outside_jurisdiction: bool


class GridBulkLocation(ReadModel):
    """Where each point lies, in the order given, and every grid named once."""

    crs: str
    count: Annotated[int, Field(ge=0)]
    outside: Annotated[int, Field(ge=0, description="points outside every grid")]
    points: list[LocatedPoint]
    grids: Annotated[dict[str, GridRef], Field(description="each grid in any answer's path, by code")]


class GridSetRead(ReadModel):
    """One version of the town's grids; the active one is what every lookup uses."""

    id: int
    created_at: Instant
    source: Annotated[str, Field(description="where the grids came from: a file name, 'town', 'initial'")]
    note: str
    grid_count: Annotated[int, Field(ge=0)]
    active: bool


class GridSetList(ReadModel):
    """Every grid set, newest (the active one) first."""

    items: list[GridSetRead]
