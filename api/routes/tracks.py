"""A team's track: the positions its phone reported, paged, in WGS-84 or the CRS a Chinese map needs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.deps import PagingDep, StoreDep
from api.errors import BadQuery, NotFound
from api.responses.tracks import CrsName, TrackAnswer
from api.security import OpsReader
from api.serialize import feature_collection
from cases.models import TrackPoint
from gis.crs import Crs, from_wgs84
from iot.payloads import CHINA_TZ

router = APIRouter()

Instant = Annotated[datetime | None, Query(description="ISO 8601; without an offset it is China Standard Time")]


def _aware(value: datetime | None) -> datetime | None:
    # People type Beijing time; devices and the store speak UTC with an offset.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=CHINA_TZ)


@router.get("/api/teams/{team_id}/track", tags=["teams"], response_model=TrackAnswer)
def team_track(store: StoreDep, _who: OpsReader, paging: PagingDep, team_id: str, since: Instant = None,
               until: Instant = None, crs: CrsName = "wgs84",
               format: Literal["points", "line"] = "points") -> dict[str, Any]:
    """Return a team's positions taken in [since, until), oldest first, as GeoJSON points or one line."""
    since, until = _aware(since), _aware(until)
    if since is not None and until is not None and until <= since:
        raise BadQuery(f"team {team_id!r} track: query parameter until {until.isoformat()} is not after since {since.isoformat()}")
    with store.read_only() as uow:
        if uow.teams.get(team_id) is None:
            raise NotFound(f"team {team_id!r}: no such team")
        points = uow.team_positions.list(team_id, since=since, until=until, **paging.window)
        total = uow.team_positions.count(team_id, since=since, until=until)
    coordinates = [_coordinates(p, Crs(crs)) for p in points]
    if format == "line":
        geometry = {"type": "LineString", "coordinates": coordinates} if len(coordinates) >= 2 else None
        return {"type": "Feature", "id": team_id, "geometry": geometry,
                "properties": {"team_id": team_id, "crs": crs, "times": [p.ts for p in points],
                               "number_matched": total, **paging.window}}
    features = [{"type": "Feature", "id": f"{team_id}@{p.ts.isoformat()}",
                 "geometry": {"type": "Point", "coordinates": xy},
                 "properties": {"team_id": team_id, "ts": p.ts, "received_at": p.received_at}}
                for p, xy in zip(points, coordinates, strict=True)]
    return {**feature_collection(features, total=total, **paging.window), "crs": crs}


def _coordinates(point: TrackPoint, crs: Crs) -> list[float]:
    lon, lat = from_wgs84(point.lon, point.lat, crs)
    return [round(lon, 7), round(lat, 7)]
