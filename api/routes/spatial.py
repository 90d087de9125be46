"""The heavy spatial questions the command room asks: heatmaps and counts per grid (store), what is near (memory)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import BBoxDep, ClockDep, LocatorDep, StoreDep
from api.errors import BadQuery
from api.responses.spatial import GridCountsRead, HeatmapRead, NearbyRead
from api.security import OpsReader
from access.models import Principal
from access.policy import case_reach
from cases.spatial_stats import BinPlane, Reach, StatsOf
from gis.crs import normalise_position
from iot.payloads import CHINA_TZ

router = APIRouter(tags=["stats"])

# Caps: a screen shows at most this many bins; a period longer than a year is a report, not a map.
MAX_HEAT_BINS = 250_000
MAX_PERIOD = timedelta(days=366)
DEFAULT_PERIOD = timedelta(days=7)
MAX_RADIUS_M = 20_000.0

When = Annotated[datetime | None, Query(description="ISO 8601; without an offset it is China Standard Time")]


def _period(since: datetime | None, until: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """Return [since, until) with people's Beijing time made explicit; default the last seven days."""
    until = now if until is None else until if until.tzinfo else until.replace(tzinfo=CHINA_TZ)
    since = until - DEFAULT_PERIOD if since is None else since if since.tzinfo else since.replace(tzinfo=CHINA_TZ)
    if until <= since:
        raise BadQuery(f"query parameter until {until.isoformat()} is not after since {since.isoformat()}")
    if until - since > MAX_PERIOD:
        raise BadQuery(f"query parameters since..until span {(until - since).days} days; at most {MAX_PERIOD.days}")
    return since, until


def _reach(principal: Principal, of: StatsOf) -> Reach | None:
    """Return the bounds of what the caller may count: cases within its reach; alerts, as /api/alerts, all."""
    if of is not StatsOf.CASES:
        return None
    reach = case_reach(principal)
    return Reach(platform=None if reach.platform is None else str(reach.platform), any_grid=reach.grid_codes)


@router.get("/api/stats/heatmap", response_model=HeatmapRead)
def heatmap(store: StoreDep, who: OpsReader, clock: ClockDep, bbox: BBoxDep,
            of: Annotated[StatsOf, Query(description="cases (by created_at) or alerts (by raised_at)")] = StatsOf.CASES,
            since: When = None, until: When = None,
            cell_m: Annotated[float, Query(ge=10, le=50_000, description="bin size in metres")] = 250.0,
            category: Annotated[str | None, Query(max_length=64, description="a case category, or an alert's sensor kind")] = None,
            ) -> dict[str, Any]:
    """Return the non-empty heatmap bins of cases (within the caller's reach) or alerts in [since, until) (default: 7 days)."""
    since, until = _period(since, until, clock())
    if bbox is not None and BinPlane.over(bbox, cell_m).bins_across(bbox) > MAX_HEAT_BINS:
        raise BadQuery(f"query parameters bbox and cell_m: {BinPlane.over(bbox, cell_m).bins_across(bbox)} bins, "
                       f"at most {MAX_HEAT_BINS}; give a smaller bbox or a larger cell_m")
    with store.read_only() as uow:
        heat = uow.spatial_stats.heatmap(of=of, since=since, until=until, cell_m=cell_m, bbox=bbox, category=category,
                                         reach=_reach(who, of))
    if len(heat.bins) > MAX_HEAT_BINS:
        raise BadQuery(f"the records' extent makes {len(heat.bins)} bins, at most {MAX_HEAT_BINS}; give a bbox")
    return {"of": of, "since": since, "until": until, "cell_m": cell_m, "category": category,
            "bbox": None if bbox is None else list(bbox),
            "origin": None if heat.plane is None else [heat.plane.lon0, heat.plane.lat0], "total": heat.total,
            "bins": [{"ix": b.ix, "iy": b.iy, "lon": b.lon, "lat": b.lat, "count": b.count} for b in heat.bins]}


@router.get("/api/stats/grid-counts", response_model=GridCountsRead)
def grid_counts(store: StoreDep, who: OpsReader, clock: ClockDep,
                of: Annotated[StatsOf, Query(description="cases (by created_at) or alerts (by raised_at)")] = StatsOf.CASES,
                level: Annotated[int | None, Query(ge=1, le=12, description="grids of this depth only")] = None,
                since: When = None, until: When = None) -> dict[str, Any]:
    """Return counts per grid (a grid counts its finer grids) of cases or alerts in [since, until) (default: 7 days)."""
    since, until = _period(since, until, clock())
    with store.read_only() as uow:
        counts = uow.spatial_stats.counts_by_grid(of=of, level=level, since=since, until=until, reach=_reach(who, of))
    return {"of": of, "level": level, "total": counts.total, "outside_jurisdiction": counts.outside,
            "grids": [{"code": g.code, "level": g.level, "count": g.count} for g in counts.grids]}


@router.get("/api/nearby", response_model=NearbyRead)
def nearby(store: StoreDep, _who: OpsReader, locator: LocatorDep, lon: float, lat: float,
           radius_m: Annotated[float, Query(gt=0, le=MAX_RADIUS_M, description="metres")] = 500.0,
           crs: Annotated[str, Query(max_length=64, description="wgs84, gcj02, bd09, cgcs2000 or EPSG:4326/4490/4491..4554")] = "wgs84",
           ) -> dict[str, Any]:
    """Return the teams and cameras standing within radius_m of a point, nearest first (from memory)."""
    wgs_lon, wgs_lat = normalise_position(lon, lat, crs, where="query parameters lon/lat")
    with store.read_only() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
    teams = locator.teams_within(wgs_lon, wgs_lat, radius_m)
    cameras = locator.cameras_within(wgs_lon, wgs_lat, radius_m)
    return {"lon": wgs_lon, "lat": wgs_lat, "radius_m": radius_m,
            "teams": [{"id": r.item.id, "name": r.item.name, "platform": r.item.platform, "status": r.item.status,
                       "lon": r.item.lon, "lat": r.item.lat, "distance_m": r.distance_m} for r in teams],
            "cameras": [{"id": r.item.id, "name": r.item.name, "lon": r.item.lon, "lat": r.item.lat,
                         "distance_m": r.distance_m} for r in cameras]}
