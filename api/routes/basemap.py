"""The local basemap: what it covers and its tiles (public: the map asks before login, an <img> sends no token)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from api.errors import NotFound
from api.responses.basemap import BasemapRead
from gis.basemap import FORMATS, MAX_ZOOM, BasemapSource, check_tile_address, format_of

router = APIRouter(tags=["basemap"])

TILE_URL = "/basemap/{z}/{x}/{y}"
# Tiles change only when the operator swaps the file (and restarts): a browser may keep them an hour.
TILE_CACHE = "public, max-age=3600"
_TILE_TYPES = {media: {"schema": {"type": "string", "format": "binary"}}
               for media in sorted(set(FORMATS.values()))}


def _source(request: Request) -> BasemapSource | None:
    return getattr(request.app.state, "basemap", None)


@router.get("/api/basemap", response_model=BasemapRead)
def basemap_info(request: Request) -> dict[str, Any]:
    """Say whether a local basemap is configured and, if so, its format, zooms, bounds and tile URL.

    Public like the tiles: the map asks before anyone has logged in, and the answer holds no personal data.
    """
    source = _source(request)
    if source is None:
        return {"configured": False, "format": None, "kind": None, "minzoom": None, "maxzoom": None, "bounds": None,
                "attribution": "", "tile_url": None}
    info = source.info()
    return {"configured": True, "format": info.format, "kind": info.kind, "minzoom": info.minzoom,
            "maxzoom": info.maxzoom, "bounds": list(info.bounds) if info.bounds else None,
            "attribution": info.attribution, "tile_url": TILE_URL}


@router.get("/basemap/{z}/{x}/{y}", response_class=Response,
            responses={200: {"description": "The tile's image", "content": _TILE_TYPES},
                       404: {"description": "No basemap is configured, or it has no tile there"}})
def basemap_tile(request: Request,
                 z: Annotated[int, Path(ge=0, le=MAX_ZOOM, description="zoom level")],
                 x: Annotated[int, Path(ge=0, description="column, 0 at the west, below 2**z")],
                 y: Annotated[int, Path(ge=0, description="row, 0 at the north (XYZ, as Leaflet counts), below 2**z")],
                 ) -> Response:
    """Return one tile of the local basemap (XYZ addressing), cached by the browser for an hour."""
    check_tile_address(z, x, y)
    source = _source(request)
    if source is None:
        raise NotFound("basemap: none configured (set GRIDWATCH_BASEMAP to a tile folder, .mbtiles or .pmtiles)")
    data = source.tile(z, x, y)
    if data is None:
        raise NotFound(f"basemap tile {z}/{x}/{y}: not in the basemap")
    media_type = FORMATS.get(format_of(data) or source.info().format, "application/octet-stream")
    return Response(data, media_type=media_type, headers={"Cache-Control": TILE_CACHE})
