"""What every answer shares: the base model, times, pages, and GeoJSON points and polygons."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema


class ReadModel(BaseModel):
    """An answer's shape: every field is always sent, so /openapi.json marks each one required."""

    # Routes return plain dicts (the feed sends the same ones); FastAPI validates them against these models,
    # leaves out fields a model does not name, and documents the result in /openapi.json.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


def _iso(value: datetime) -> str:
    return value.isoformat()


# Sent as Python writes it ("+00:00"), as the live feed does, so one instant reads the same on both.
Instant = Annotated[datetime, PlainSerializer(_iso, return_type=str, when_used="json"),
                    WithJsonSchema({"type": "string", "format": "date-time"})]

ItemT = TypeVar("ItemT")
FeatureT = TypeVar("FeatureT")
PropertiesT = TypeVar("PropertiesT")


class Page(ReadModel, Generic[ItemT]):
    """A page of a list: its items, how many match in all, and the window asked for."""

    items: list[ItemT]
    total: Annotated[int, Field(ge=0, description="items matching the filters, across all pages")]
    limit: Annotated[int, Field(ge=0)]
    offset: Annotated[int, Field(ge=0)]


Position = Annotated[list[float], Field(min_length=2, max_length=3, description="lon, lat in WGS-84")]


class PointGeometry(ReadModel):
    """A GeoJSON Point in WGS-84."""

    type: Literal["Point"]
    coordinates: Position


class PolygonGeometry(ReadModel):
    """A GeoJSON Polygon in WGS-84: the outer ring, then any holes."""

    type: Literal["Polygon"]
    coordinates: list[list[Position]]


class MultiPolygonGeometry(ReadModel):
    """A GeoJSON MultiPolygon in WGS-84."""

    type: Literal["MultiPolygon"]
    coordinates: list[list[list[Position]]]


AreaGeometry = Annotated[PolygonGeometry | MultiPolygonGeometry, Field(discriminator="type")]


class PointFeature(ReadModel, Generic[PropertiesT]):
    """A record with a position as a GeoJSON Feature; geometry is null where the position is unknown."""

    type: Literal["Feature"]
    id: int | str
    geometry: PointGeometry | None
    properties: PropertiesT


class FeatureCollection(ReadModel, Generic[FeatureT]):
    """A GeoJSON FeatureCollection with the paging members of OGC API - Features."""

    type: Literal["FeatureCollection"]
    features: list[FeatureT]
    number_matched: Annotated[int, Field(alias="numberMatched", ge=0, description="features matching, in all pages")]
    number_returned: Annotated[int, Field(alias="numberReturned", ge=0)]
    limit: Annotated[int, Field(ge=0)]
    offset: Annotated[int, Field(ge=0)]

