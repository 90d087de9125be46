"""Small metric helpers for the town scale: distances and camera view sectors in WGS-84."""

from __future__ import annotations

import math

import numpy as np
from pyproj import Geod
from shapely.geometry import Point, Polygon

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEG_LAT = 110_574.0
WGS84 = Geod(ellps="WGS84")
# An arc vertex every few degrees keeps the drawn edge within centimetres of the true arc at town ranges.
ARC_STEP_DEG = 5.0


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Return the great-circle distance in metres between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def haversine_many_m(lon: float, lat: float, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Return distances in metres from one WGS-84 point to arrays of points."""
    p1, p2 = np.radians(lat), np.radians(lats)
    dphi, dlmb = p2 - p1, np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def offset_lon_lat(lon: float, lat: float, bearing_deg: float, distance_m: float) -> tuple[float, float]:
    """Return the point distance_m from (lon, lat) towards bearing (degrees clockwise from north)."""
    theta = math.radians(bearing_deg)
    dlat = distance_m * math.cos(theta) / METRES_PER_DEG_LAT
    dlon = distance_m * math.sin(theta) / (METRES_PER_DEG_LAT * math.cos(math.radians(lat)))
    return lon + dlon, lat + dlat


def bbox_around(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """Return a WGS-84 (min_lon, min_lat, max_lon, max_lat) box holding every point within radius_m of (lon, lat)."""
    # A tenth wider than the flat estimate: the box only prefilters, haversine_m decides.
    reach = radius_m * 1.1
    dlat = reach / METRES_PER_DEG_LAT
    dlon = reach / (METRES_PER_DEG_LAT * max(math.cos(math.radians(lat)), 0.01))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def view_sector(lon: float, lat: float, bearing_deg: float, fov_deg: float, range_m: float) -> Polygon:
    """Return the WGS-84 polygon a camera sees: a wedge of fov_deg around bearing, range_m deep (a disc at 360).

    Arc vertices are geodesic (pyproj on the WGS-84 ellipsoid), so the drawn sector is metric-correct.
    """
    disc = fov_deg >= 360
    span = 360.0 if disc else fov_deg
    steps = max(int(math.ceil(span / ARC_STEP_DEG)), 2)
    azimuths = (bearing_deg - span / 2) + span * np.arange(steps + (0 if disc else 1)) / steps
    lons, lats, _ = WGS84.fwd(np.full(azimuths.size, lon), np.full(azimuths.size, lat), azimuths,
                              np.full(azimuths.size, range_m))
    arc = list(zip(lons.tolist(), lats.tolist(), strict=True))
    return Polygon(arc if disc else [(lon, lat), *arc])


def metres_per_degree(lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (east, north) metres per degree of lon and lat at these latitudes on the WGS-84 ellipsoid."""
    a, e2 = WGS84.a, WGS84.es
    s2 = np.sin(np.radians(lat)) ** 2
    meridian = a * (1 - e2) / (1 - e2 * s2) ** 1.5
    normal = a / np.sqrt(1 - e2 * s2)
    return normal * np.cos(np.radians(lat)) * math.pi / 180, meridian * math.pi / 180


def point(lon: float, lat: float) -> Point:
    """Return a shapely point from WGS-84 (lon, lat)."""
    return Point(lon, lat)
