"""Answers of the map's questions: the cases in view as points or clusters, and the search box's results."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from api.responses.common import ReadModel


class MapPointRead(ReadModel):
    """One case as the map draws it (WGS-84)."""

    id: int
    lon: float
    lat: float
    status: str
    platform: str | None
    priority: str
    category: str
    title: str


class MapPointsRead(ReadModel):
    """Every chosen case in the bbox: they were few enough (at most the threshold) to draw one by one."""

    mode: Literal["points"]
    total: Annotated[int, Field(ge=0)]
    points: list[MapPointRead]


class MapClusterRead(ReadModel):
    """The cases of one cell: at their mean position, with counts by status and platform ("unrouted": none yet)."""

    lon: float
    lat: float
    count: Annotated[int, Field(ge=1)]
    by_status: dict[str, int]
    by_platform: dict[str, int]
    bbox: Annotated[list[float], Field(min_length=4, max_length=4, description="the cases' extent: minlon,minlat,maxlon,maxlat")]


class MapClustersRead(ReadModel):
    """The chosen cases of the bbox binned in square cells of cell_deg degrees anchored at (0, 0)."""

    mode: Literal["clusters"]
    total: Annotated[int, Field(ge=0)]
    cell_deg: float
    clusters: list[MapClusterRead]


class SearchResultRead(ReadModel):
    """One hit: a case (id), a grid (code, bbox) or a coordinate (point); where to fly in WGS-84."""

    kind: Literal["case", "grid", "point"]
    id: int | None
    code: str | None
    label: str
    lon: float
    lat: float
    bbox: list[float] | None


class SearchRead(ReadModel):
    """The search box's results, best kinds first: case number, coordinates, grids, then text in cases."""

    query: str
    results: list[SearchResultRead]
