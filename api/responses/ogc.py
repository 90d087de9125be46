"""Answers of the OGC API - Features: landing page, conformance, collections, features, queryables, exceptions."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.responses.cases import CaseFeature
from api.responses.common import AreaGeometry, Instant, ReadModel
from api.responses.grids import GridRead
from api.responses.resources import AlertFeature, CameraFeature, TeamFeature


class OgcModel(BaseModel):
    """An OGC answer's shape; members with a default may be left out, as the standard allows."""

    model_config = ConfigDict(populate_by_name=True)


class Link(OgcModel):
    """A link: where, how it relates, its media type and a title."""

    href: str
    rel: str
    type: str
    title: str


class LandingPage(OgcModel):
    """The OGC API root: what it is and where its parts are (service-desc, conformance, data)."""

    title: str
    description: str
    links: list[Link]


class Conformance(OgcModel):
    """The conformance classes this API implements."""

    conforms_to: list[str] = Field(alias="conformsTo")


class SpatialExtent(OgcModel):
    """Boxes in CRS84: min_lon, min_lat, max_lon, max_lat."""

    bbox: list[Annotated[list[float], Field(min_length=4, max_length=4)]]
    crs: str


class TemporalExtent(OgcModel):
    """First and last instant (RFC 3339), null where open."""

    interval: list[Annotated[list[str | None], Field(min_length=2, max_length=2)]]
    trs: str


class Extent(OgcModel):
    """Where and when a collection's features lie."""

    spatial: SpatialExtent | None = None
    temporal: TemporalExtent | None = None


class CollectionRead(OgcModel):
    """One collection: its id, description, extent, links and the CRS of its features."""

    id: str
    title: str
    description: str
    links: list[Link]
    extent: Extent
    item_type: Literal["feature"] = Field(alias="itemType")
    crs: list[str]


class Collections(OgcModel):
    """Every collection the caller may read."""

    links: list[Link]
    collections: list[CollectionRead]


class GridFeature(ReadModel):
    """A grid as an OGC feature: its boundary, code, name, level, parent and staff (no counts: a plain record)."""

    type: Literal["Feature"]
    id: str
    geometry: AreaGeometry
    properties: GridRead


AnyFeature = GridFeature | CaseFeature | AlertFeature | CameraFeature | TeamFeature


class OgcFeatureCollection(OgcModel):
    """A page of features as GeoJSON, with the counts, the time of the answer and the paging links."""

    type: Literal["FeatureCollection"]
    features: list[AnyFeature]
    number_matched: Annotated[int, Field(alias="numberMatched", ge=0)]
    number_returned: Annotated[int, Field(alias="numberReturned", ge=0)]
    time_stamp: Annotated[Instant, Field(alias="timeStamp")]
    links: list[Link]


class GridItem(GridFeature):
    """A grid as an OGC feature with its links."""

    links: list[Link]


class CaseItem(CaseFeature):
    """A case as an OGC feature with its links."""

    links: list[Link]


class AlertItem(AlertFeature):
    """An alert as an OGC feature with its links."""

    links: list[Link]


class CameraItem(CameraFeature):
    """A camera as an OGC feature with its links."""

    links: list[Link]


class TeamItem(TeamFeature):
    """A team as an OGC feature with its links."""

    links: list[Link]


AnyItem = GridItem | CaseItem | AlertItem | CameraItem | TeamItem


class QueryableRead(OgcModel):
    """A property that filters by equality as a query parameter, with its allowed values when they are few."""

    type: Literal["string"]
    title: str
    description: str
    enum: list[str] | None = None


class Queryables(OgcModel):
    """The queryables of a collection, as a JSON Schema (OGC API - Features Part 3)."""

    schema_: str = Field(alias="$schema")
    id_: str = Field(alias="$id")
    type: Literal["object"]
    title: str
    properties: dict[str, QueryableRead]
    additional_properties: bool = Field(alias="additionalProperties")


class OgcException(OgcModel):
    """An OGC API refusal: a code and what was wrong and where."""

    code: str
    description: str
