"""The command-room map: the cases in view, as points or as clusters the store cuts, and the search box."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from access.models import Principal
from access.policy import can_see_case, case_reach
from api.deps import MAX_ID, BBoxDep, StoreDep
from api.errors import BadQuery
from api.responses.map_view import MapClustersRead, MapPointsRead, SearchRead
from api.security import CaseReader
from cases.map_view import MapFilter, case_number, cell_deg_for_zoom, coordinates
from cases.models import CaseStatus, Platform
from cases.spatial_stats import Reach
from gis.crs import normalise_position
from gis.errors import GisError

router = APIRouter(tags=["map"])

DEFAULT_MAX_POINTS = 1500
MAX_SEARCH = 50


def _reach(principal: Principal) -> Reach:
    reach = case_reach(principal)
    return Reach(platform=None if reach.platform is None else str(reach.platform), any_grid=reach.grid_codes)


@router.get("/api/map/cases", response_model=MapPointsRead | MapClustersRead)
def map_cases(store: StoreDep, who: CaseReader, bbox: BBoxDep,
              zoom: Annotated[float, Query(ge=0, le=22, description="the map's zoom: sets the cluster cell (~60 px)")],
              status: CaseStatus | None = None, platform: Platform | None = None,
              category: Annotated[str | None, Query(max_length=64)] = None,
              open: Annotated[bool, Query(description="true: only cases not finished")] = True,
              max_points: Annotated[int, Query(ge=1, le=5000, description="at most this many: points; more: clusters")]
              = DEFAULT_MAX_POINTS) -> dict[str, Any]:
    """Return the caller's cases in the bbox one by one when at most max_points, else clustered by the store."""
    if bbox is None:
        raise BadQuery("query parameter 'bbox' is required: minlon,minlat,maxlon,maxlat in WGS-84")
    reach = case_reach(who)
    if reach.platform is not None and platform not in (None, reach.platform):
        return {"mode": "points", "total": 0, "points": []}
    chosen = MapFilter(bbox=bbox, status=status, platform=platform, category=category, open_only=open,
                       reach=_reach(who))
    with store.read_only() as uow:
        total = uow.map_view.count_cases(chosen)
        if total <= max_points:
            points = uow.map_view.case_points(chosen, limit=max_points)
            return {"mode": "points", "total": total,
                    "points": [{"id": p.id, "lon": p.lon, "lat": p.lat, "status": p.status, "platform": p.platform,
                                "priority": p.priority, "category": p.category, "title": p.title} for p in points]}
        cell = cell_deg_for_zoom(zoom)
        clusters = uow.map_view.case_clusters(chosen, cell_deg=cell)
    return {"mode": "clusters", "total": total, "cell_deg": cell,
            "clusters": [{"lon": c.lon, "lat": c.lat, "count": c.count, "by_status": c.by_status,
                          "by_platform": c.by_platform, "bbox": list(c.bbox)} for c in clusters]}


@router.get("/api/search", response_model=SearchRead)
def search(store: StoreDep, who: CaseReader,
           q: Annotated[str, Query(max_length=200, description="a case number, grid name or code, address text, "
                                                               "or coordinates 'lon,lat [crs]'")],
           limit: Annotated[int, Query(ge=1, le=MAX_SEARCH)] = 10) -> dict[str, Any]:
    """Return what a query names, within the caller's reach: a case, a point, grids, then cases by their text."""
    text = q.strip()
    if not text:
        raise BadQuery("query parameter 'q' is empty: give a case number, a grid name or code, an address or lon,lat")
    results: list[dict[str, Any]] = []
    hit = {"id": None, "code": None, "bbox": None}
    point = coordinates(text)
    if point is not None:
        try:
            lon, lat = normalise_position(point.x, point.y, point.crs, where="query parameter 'q'")
        except GisError:
            # Two numbers that are no place in this CRS may still be a grid code or text: search on.
            if point.crs is not None:
                raise
        else:
            results.append({**hit, "kind": "point", "label": f"{lon:.6f}, {lat:.6f}", "lon": lon, "lat": lat})
    with store.read_only() as uow:
        number = case_number(text)
        if number is not None and 1 <= number <= MAX_ID:
            case = uow.cases.get(number)
            if case is not None and can_see_case(who, case):
                results.insert(0, {**hit, "kind": "case", "id": case.id, "label": f"#{case.id} {case.title}",
                                   "lon": case.lon, "lat": case.lat})
        for code in uow.map_view.search_grids(text, limit=limit):
            grid = uow.grids.get(code)
            if grid is None:
                continue
            centre = grid.geometry.representative_point()
            results.append({**hit, "kind": "grid", "code": grid.code, "label": f"{grid.name} ({grid.code})",
                            "lon": centre.x, "lat": centre.y, "bbox": list(grid.geometry.bounds)})
        if point is None:
            for found in uow.map_view.search_cases(text, reach=_reach(who), limit=limit):
                if all(r["id"] != found.id for r in results):
                    results.append({**hit, "kind": "case", "id": found.id, "label": f"#{found.id} {found.title}",
                                    "lon": found.lon, "lat": found.lat})
    return {"query": q, "results": results[:limit]}
