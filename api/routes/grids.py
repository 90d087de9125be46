"""Grids: the hierarchy with staff and counts, point → grids (one or many), edits, and the history of grid sets."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Body, Path, Query
from shapely.geometry import mapping

from access.models import Principal
from access.policy import case_reach, redact_staff
from alerts.models import OPEN_STATUSES
from api.deps import BBoxDep, Format, LocatorDep, PagingDep, StoreDep
from api.errors import NotFound, TooLarge
from api.responses import GridBulkLocation, GridDetail, GridList, GridLocation, GridSetList
from api.schemas_grids import MAX_LOCATE_POINTS, GridStaffList, GridUpdate, LocateMany
from api.security import GridAdmin, OpsReader
from api.serialize import feature_collection, grid_dict, grid_ref, grid_set_dict, page
from gis.crs import normalise_position, parse_crs
from gis.crs_bulk import to_wgs84_many
from gis.errors import GisError
from gis.grid_edits import assign_staff, edit_grid
from gis.hierarchy import MAX_LEVEL
from gis.models import Grid, GridStaff

router = APIRouter(prefix="/api/grids", tags=["grids"])

CodePath = Annotated[str, Path(min_length=1, max_length=64, description="a grid's code")]
Counts = tuple[dict[str, int], dict[str, int]]


def _counts(uow: Any, principal: Principal) -> Counts:
    """Return open cases (within the caller's reach) and open alerts per grid code: one grouped query each."""
    reach = case_reach(principal)
    cases = uow.cases.count_open_by_grid(platform=reach.platform, any_grid=reach.grid_codes)
    return cases, uow.alerts.count_by_grid(status=OPEN_STATUSES)


def _summary(grid: Grid, principal: Principal, counts: Counts) -> dict[str, Any]:
    out = grid_dict(grid)
    out["staff"] = redact_staff(principal, out["staff"])
    out["open_cases"], out["open_alerts"] = counts[0].get(grid.code, 0), counts[1].get(grid.code, 0)
    return out


def _detail(uow: Any, grid: Grid, principal: Principal) -> dict[str, Any]:
    """Return one grid as a GeoJSON feature with staff, counts, its parent and its children's codes."""
    parent = uow.grids.get(grid.parent_code) if grid.parent_code else None
    children = uow.grids.count(parent_code=grid.code)
    codes = [child.code for child in uow.grids.list(parent_code=grid.code, limit=children)] if children else []
    properties = {**_summary(grid, principal, _counts(uow, principal)),
                  "parent": None if parent is None else grid_ref(parent), "children": codes}
    return {"type": "Feature", "id": grid.code, "geometry": mapping(grid.geometry), "properties": properties}


@router.get("", response_model=GridList)
def list_grids(store: StoreDep, who: OpsReader, paging: PagingDep, bbox: BBoxDep, format: Format = "json",
               level: Annotated[int | None, Query(ge=1, le=MAX_LEVEL, description="1 the coarsest; any depth")] = None,
               parent: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    """List grids by code with their staff and open cases and alerts (finer grids' included); geojson adds boundaries."""
    with store.read_only() as uow:
        grids = uow.grids.list(level=level, parent_code=parent, bbox=bbox, limit=paging.limit, offset=paging.offset)
        total = uow.grids.count(level=level, parent_code=parent, bbox=bbox)
        counts = _counts(uow, who)
    if format == "geojson":
        features = [{"type": "Feature", "id": g.code, "geometry": mapping(g.geometry),
                     "properties": _summary(g, who, counts)} for g in grids]
        return feature_collection(features, total=total, **paging.window)
    return page([_summary(g, who, counts) for g in grids], total=total, **paging.window)


@router.get("/sets", response_model=GridSetList)
def list_grid_sets(store: StoreDep, _who: OpsReader) -> dict[str, Any]:
    """List every grid set, newest (the active one) first; earlier sets are kept when a new one is imported."""
    with store.read_only() as uow:
        return {"items": [grid_set_dict(s) for s in uow.grids.sets()]}


@router.get("/locate", response_model=GridLocation)
def locate(store: StoreDep, _who: OpsReader, locator: LocatorDep, lon: float, lat: float,
           crs: Annotated[str, Query(max_length=16, description="wgs84, gcj02, bd09 or cgcs2000")] = "wgs84"
           ) -> dict[str, Any]:
    """Return every grid containing a point, coarsest first; outside_jurisdiction when none does.

    A point on an edge shared by two grids goes to the one with the lowest code, the same answer every time.
    """
    system = parse_crs(crs, where="query parameter crs")
    wgs_lon, wgs_lat = normalise_position(lon, lat, crs, where="query parameters lon/lat")
    with store.read_only() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
    index = locator.grid_index
    path = index.locate(wgs_lon, wgs_lat).codes
    grids = [grid for grid in (index.get(code) for code in path) if grid is not None]
    return {"lon": wgs_lon, "lat": wgs_lat, "crs": system.value, "grid_path": list(path),
            "grids": [grid_ref(g) for g in grids], "outside_jurisdiction": not path}


@router.post("/locate", response_model=GridBulkLocation)
def locate_many(store: StoreDep, _who: OpsReader, locator: LocatorDep, body: LocateMany) -> dict[str, Any]:
    """Locate many points at once (at most 10,000, in the order given; 413 beyond), converted and located in bulk."""
    if len(body.points) > MAX_LOCATE_POINTS:
        raise TooLarge(f"body.points: {len(body.points)} points; a request locates at most {MAX_LOCATE_POINTS}, "
                       "send the rest in further requests")
    system = parse_crs(body.crs, where="body.crs")
    xy = np.asarray(body.points, dtype=float).reshape(-1, 2)
    _check_points(xy)
    lons, lats = to_wgs84_many(xy[:, 0], xy[:, 1], system)
    with store.read_only() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
    index = locator.grid_index  # one index for the whole answer, whatever refreshes meanwhile
    paths = index.locate_paths_many(lons, lats)
    named = {code for path in set(paths.tolist()) for code in path.codes}
    grids = {code: grid_ref(grid) for code in sorted(named) if (grid := index.get(code)) is not None}
    points = [{"lon": x, "lat": y, "grid_path": list(path.codes), "outside_jurisdiction": not path.codes}
              for x, y, path in zip(lons.tolist(), lats.tolist(), paths.tolist(), strict=True)]
    return {"crs": system.value, "count": len(points), "outside": sum(p["outside_jurisdiction"] for p in points),
            "points": points, "grids": grids}


def _check_points(xy: np.ndarray) -> None:
    """Raise GisError naming the first point that is not a finite lon/lat in range, and how many others are not."""
    bad = ~np.isfinite(xy).all(axis=1)
    with np.errstate(invalid="ignore"):
        bad |= (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90)
    wrong = np.flatnonzero(bad)
    if wrong.size:
        first = int(wrong[0])
        more = f" (and {wrong.size - 1} more)" if wrong.size > 1 else ""
        raise GisError(f"body.points[{first}]: {xy[first].tolist()} is not a lon/lat within lon -180..180 "
                       f"and lat -90..90{more}")


@router.get("/{code}", response_model=GridDetail)
def get_grid(store: StoreDep, who: OpsReader, code: CodePath) -> dict[str, Any]:
    """Return one grid as a GeoJSON feature: staff, parent, children's codes, level, open cases and alerts."""
    with store.read_only() as uow:
        grid = uow.grids.get(code)
        if grid is None:
            raise NotFound(f"grid {code!r}: no such grid")
        return _detail(uow, grid, who)


@router.patch("/{code}", response_model=GridDetail)
def update_grid(store: StoreDep, who: GridAdmin, code: CodePath, body: GridUpdate) -> dict[str, Any]:
    """Rename a grid or give it another parent one level up (404 unknown grid, 422 a parent that does not fit).

    A boundary or a level changes only by importing a new grid set (`gridwatch grids import`).
    """
    with store.unit_of_work() as uow:
        grid = edit_grid(grids=uow.grids, code=code, name=body.name, parent_code=body.parent_code,
                         move="parent_code" in body.model_fields_set)
        return _detail(uow, grid, who)


@router.put("/{code}/staff", response_model=GridDetail)
def replace_staff(store: StoreDep, who: GridAdmin, code: CodePath,
                  staff: Annotated[GridStaffList, Body()]) -> dict[str, Any]:
    """Make this list the grid's staff, in order: roles head, member, inspector; one head at most."""
    people = [GridStaff(person.role, person.name.strip(), person.phone.strip(), person.username.strip())
              for person in staff]
    with store.unit_of_work() as uow:
        grid = assign_staff(grids=uow.grids, code=code, staff=people)
        return _detail(uow, grid, who)
