"""A team's track: its positions as GeoJSON points or one line, in the CRS asked for."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from api.responses.common import FeatureCollection, Instant, PointFeature, Position, ReadModel

CrsName = Literal["wgs84", "gcj02", "bd09"]


class TrackPointRead(ReadModel):
    """One position of a team's track: when the phone took it and when the server received it."""

    team_id: str
    ts: Instant
    received_at: Instant


class TrackPointFeature(PointFeature[TrackPointRead]):
    """A track position as a GeoJSON point (coordinates in the CRS the collection names)."""


class TrackPointCollection(FeatureCollection[TrackPointFeature]):
    """A page of a team's track, oldest first, as GeoJSON points."""

    crs: Annotated[CrsName, Field(description="CRS of every coordinate: wgs84 (GeoJSON's own) unless asked")]


class LineGeometry(ReadModel):
    """A GeoJSON LineString."""

    type: Literal["LineString"]
    coordinates: list[Position]


class TrackLineProperties(ReadModel):
    """What the line is: whose, in which CRS, the time of each vertex, and the page it covers."""

    team_id: str
    crs: CrsName
    times: list[Instant]
    number_matched: Annotated[int, Field(ge=0, description="positions in the window, in all pages")]
    limit: Annotated[int, Field(ge=0)]
    offset: Annotated[int, Field(ge=0)]


class TrackLine(ReadModel):
    """A page of a team's track as one GeoJSON LineString (null geometry under two positions)."""

    type: Literal["Feature"]
    id: str
    geometry: LineGeometry | None
    properties: TrackLineProperties


TrackAnswer = Annotated[TrackPointCollection | TrackLine, Field(union_mode="left_to_right")]
