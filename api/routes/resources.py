"""Teams, cameras, devices and dead letters: read-only lists and single items."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import BBoxDep, Format, LocatorDep, PagingDep, StoreDep
from api.errors import NotFound
from api.responses import (CameraList, CameraRead, CoveringRead, DeadLetterPage, DeviceList,
                           TeamList, TeamRead)
from api.responses.resources import SectorFeatureCollection
from api.security import IngestReader, OpsReader
from api.serialize import (camera_dict, dead_letter_dict, device_dict, feature_collection, page,
                           point_feature, team_dict)
from cases.models import Platform, TeamStatus
from gis.crs import normalise_position
from iot.models import SensorKind
from video.health import Health
from video.models import HealthRecord
from video.sectors import polygon_coordinates, view_polygon

router = APIRouter()


def _out(items: list[dict[str, Any]], *, key: str, total: int, paging: Any, format: str) -> dict[str, Any]:
    if format == "geojson":
        features = [point_feature(i, feature_id=i[key]) for i in items]
        return feature_collection(features, total=total, **paging.window)
    return page(items, total=total, **paging.window)


@router.get("/api/teams", tags=["teams"], response_model=TeamList)
def list_teams(store: StoreDep, _who: OpsReader, format: Format = "json", platform: Platform | None = None,
               status: TeamStatus | None = None) -> dict[str, Any]:
    """List every team (a town has tens), with positions."""
    with store.read_only() as uow:
        teams = uow.teams.list(platform=platform, status=status)
    items = [team_dict(t) for t in teams]
    if format == "geojson":
        return feature_collection([point_feature(i, feature_id=i["id"]) for i in items], total=len(items),
                                  limit=len(items), offset=0)
    return page(items, total=len(items), limit=len(items), offset=0)


@router.get("/api/teams/{team_id}", tags=["teams"], response_model=TeamRead)
def get_team(store: StoreDep, _who: OpsReader, team_id: str) -> dict[str, Any]:
    """Return one team."""
    with store.read_only() as uow:
        team = uow.teams.get(team_id)
    if team is None:
        raise NotFound(f"team {team_id!r}: no such team")
    return team_dict(team)


@router.get("/api/cameras", tags=["cameras"], response_model=CameraList)
def list_cameras(store: StoreDep, _who: OpsReader, paging: PagingDep, bbox: BBoxDep, format: Format = "json") -> dict[str, Any]:
    """List cameras by id, each with its latest health (stream URLs without credentials)."""
    with store.read_only() as uow:
        cameras = uow.cameras.list(bbox=bbox, limit=paging.limit, offset=paging.offset)
        total = uow.cameras.count(bbox=bbox)
        health = uow.camera_health.latest(c.id for c in cameras)
    return _out([camera_dict(c, health.get(c.id)) for c in cameras], key="id", total=total, paging=paging,
                format=format)


@router.get("/api/cameras/covering", tags=["cameras"], response_model=CoveringRead)
def covering_cameras(store: StoreDep, _who: OpsReader, locator: LocatorDep, lon: float, lat: float, crs: str = "wgs84",
                     limit: Annotated[int, Query(ge=1, le=50)] = 8) -> dict[str, Any]:
    """Return the cameras that see a point, healthy first then nearest and most central: the pictures to switch to."""
    wgs_lon, wgs_lat = normalise_position(lon, lat, crs, where="query parameters lon/lat")
    records: dict[str, HealthRecord] = {}

    def latest(ids: Any) -> dict[str, Health]:
        records.update(uow.camera_health.latest(ids))  # one query, for the candidates only
        return {camera_id: record.status for camera_id, record in records.items()}

    with store.read_only() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
        ranked = locator.covering_cameras(wgs_lon, wgs_lat, limit=limit, health=latest)
    return {"lon": wgs_lon, "lat": wgs_lat,
            "items": [{"camera": camera_dict(r.item, records.get(r.item.id)), "distance_m": round(r.distance_m, 1),
                       "bearing_to_point_deg": round(r.bearing_to_point_deg, 1) % 360,
                       "off_axis_deg": round(r.off_axis_deg, 1),
                       "turn_to_deg": None if r.turn_to_deg is None else round(r.turn_to_deg, 1) % 360,
                       "score": round(r.score, 1), "healthy": r.healthy}
                      for r in ranked]}


@router.get("/api/cameras/sectors", tags=["cameras"], response_model=SectorFeatureCollection)
def camera_sectors(store: StoreDep, _who: OpsReader, paging: PagingDep, bbox: BBoxDep) -> dict[str, Any]:
    """List cameras (placed in bbox) as GeoJSON polygons of what they see, with their latest health, by id."""
    with store.read_only() as uow:
        cameras = uow.cameras.list(bbox=bbox, limit=paging.limit, offset=paging.offset)
        total = uow.cameras.count(bbox=bbox)
        health = uow.camera_health.latest(c.id for c in cameras)
    features = []
    for camera in cameras:
        full = camera_dict(camera, health.get(camera.id))
        properties = {k: full[k] for k in ("id", "name", "mount", "bearing_deg", "fov_deg", "range_m", "owner",
                                            "health")}
        geometry = {"type": "Polygon", "coordinates": polygon_coordinates(view_polygon(camera))}
        features.append({"type": "Feature", "id": camera.id, "geometry": geometry, "properties": properties})
    return feature_collection(features, total=total, **paging.window)


@router.get("/api/cameras/{camera_id}", tags=["cameras"], response_model=CameraRead)
def get_camera(store: StoreDep, _who: OpsReader, camera_id: str) -> dict[str, Any]:
    """Return one camera with its latest health (its stream URL without credentials)."""
    with store.read_only() as uow:
        camera = uow.cameras.get(camera_id)
        health = uow.camera_health.latest([camera_id]).get(camera_id)
    if camera is None:
        raise NotFound(f"camera {camera_id!r}: no such camera")
    return camera_dict(camera, health)


@router.get("/api/cameras/{camera_id}/probe-frame", tags=["cameras"], response_class=Response,
            responses={200: {"description": "The frame the camera's latest probe was judged on",
                             "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}})
def camera_probe_frame(store: StoreDep, _who: OpsReader, camera_id: str) -> Response:
    """Return the JPEG frame the camera's latest probe judged, with its status and time in headers."""
    with store.read_only() as uow:
        found = uow.camera_health.probe_frame(camera_id)
    if found is None:
        raise NotFound(f"camera {camera_id!r}: no probed frame (no such camera, or not probed yet)")
    jpeg, probed_at, status = found
    return Response(jpeg, media_type="image/jpeg", headers={"X-Probe-Status": status.value,
                                                            "X-Probed-At": probed_at.isoformat(),
                                                            "Cache-Control": "no-store"})


@router.get("/api/devices", tags=["devices"], response_model=DeviceList)
def list_devices(store: StoreDep, _who: OpsReader, paging: PagingDep, format: Format = "json",
                 kind: SensorKind | None = None,
                 grid_code: Annotated[str | None, Query(max_length=64, description="finest grid")] = None,
                 department: Annotated[str | None, Query(max_length=100, description="owner")] = None
                 ) -> dict[str, Any]:
    """List sensors by id, optionally of one kind, finest grid or owner department."""
    with store.read_only() as uow:
        devices = uow.devices.list(kind=kind, grid_code=grid_code, department=department, limit=paging.limit,
                                   offset=paging.offset)
        total = uow.devices.count(kind=kind, grid_code=grid_code, department=department)
    return _out([device_dict(d) for d in devices], key="id", total=total, paging=paging, format=format)


@router.get("/api/dead-letters", tags=["devices"], response_model=DeadLetterPage)
def list_dead_letters(store: StoreDep, _who: IngestReader, paging: PagingDep) -> dict[str, Any]:
    """List refused MQTT messages, newest first, with their raw payload and the reason."""
    with store.read_only() as uow:
        letters = uow.dead_letters.list(limit=paging.limit, offset=paging.offset)
        total = uow.dead_letters.count()
    return page([dead_letter_dict(d) for d in letters], total=total, **paging.window)
