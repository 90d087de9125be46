"""Each camera's view on the map: a wedge for a fixed camera, the disc of its range for a PTZ one."""

from __future__ import annotations

from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

from gis.geometry import view_sector
from video.models import Camera, Mount


def view_polygon(camera: Camera) -> Polygon:
    """Return the WGS-84 polygon of what the camera can see (a PTZ camera can turn, so all round its range)."""
    fov = 360.0 if camera.mount is Mount.PTZ else camera.fov_deg
    return view_sector(camera.lon, camera.lat, camera.bearing_deg, fov, camera.range_m)


def polygon_coordinates(polygon: Polygon, *, decimals: int = 7) -> list[list[list[float]]]:
    """Return a polygon's rings as GeoJSON coordinates: closed, exterior counter-clockwise (RFC 7946)."""
    oriented = orient(polygon, sign=1.0)
    rings = [oriented.exterior, *oriented.interiors]
    return [[[round(x, decimals), round(y, decimals)] for x, y in ring.coords] for ring in rings]
