"""Grids: list, one, and point → grids."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import BBoxDep, Format, LocatorDep, PagingDep, StoreDep
from api.errors import NotFound
from api.responses import GridFeature, GridList, GridLocation
from api.security import OpsReader
from api.serialize import feature_collection, grid_dict, grid_feature, page
from gis.crs import normalise_position

router = APIRouter(prefix="/api/grids", tags=["grids"])


@router.get("", response_model=GridList)
def list_grids(store: StoreDep, _who: OpsReader, paging: PagingDep, bbox: BBoxDep, format: Format = "json",
               level: Annotated[int | None, Query(ge=1)] = None, parent: str | None = None) -> dict[str, Any]:
    """List grids by code; geojson returns their boundaries."""
    grid_level = level
    with store.read_only() as uow:
        grids = uow.grids.list(level=grid_level, parent_code=parent, bbox=bbox, limit=paging.limit, offset=paging.offset)
        total = uow.grids.count(level=grid_level, parent_code=parent, bbox=bbox)
    if format == "geojson":
        return feature_collection([grid_feature(g) for g in grids], total=total, **paging.window)
    return page([grid_dict(g) for g in grids], total=total, **paging.window)


@router.get("/locate", response_model=GridLocation)
def locate(store: StoreDep, _who: OpsReader, locator: LocatorDep, lon: float, lat: float, crs: str = "wgs84") -> dict[str, Any]:
    """Return the grids containing a point, coarsest first, with the point in WGS-84."""
    wgs_lon, wgs_lat = normalise_position(lon, lat, crs, where="query parameters lon/lat")
    with store.read_only() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        path = locator.grid_path(wgs_lon, wgs_lat)
        grids = [uow.grids.get(code) for code in path]
    return {"lon": wgs_lon, "lat": wgs_lat, "grid_path": list(path),
            "grids": [grid_dict(g) for g in grids if g is not None]}


@router.get("/{code}", response_model=GridFeature)
def get_grid(store: StoreDep, _who: OpsReader, code: str) -> dict[str, Any]:
    """Return one grid as a GeoJSON feature."""
    with store.read_only() as uow:
        grid = uow.grids.get(code)
    if grid is None:
        raise NotFound(f"grid {code!r}: no such grid")
    return grid_feature(grid)
