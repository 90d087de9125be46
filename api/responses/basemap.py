"""What the page asks about the operator's local basemap before it adds it under the map."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from api.responses.common import ReadModel


class BasemapRead(ReadModel):
    """The local basemap, if the operator configured one (GRIDWATCH_BASEMAP); the page looks complete without it."""

    configured: bool
    format: Annotated[Literal["png", "jpg", "webp"] | None, Field(description="image format of the tiles")]
    kind: Annotated[Literal["folder", "mbtiles", "pmtiles"] | None, Field(description="what the operator supplied")]
    minzoom: int | None
    maxzoom: int | None
    bounds: Annotated[list[float] | None, Field(description="west, south, east, north in WGS-84 degrees; "
                                                            "null when the source does not say")]
    attribution: str
    tile_url: Annotated[str | None, Field(description="Leaflet URL template of the tiles, e.g. /basemap/{z}/{x}/{y}")]
