"""The local metric frame the town is drawn in, and its way back to WGS-84 (lon, lat)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry.base import BaseGeometry

WGS84_GEOD = Geod(ellps="WGS84")


class LocalFrame:
    """A transverse Mercator frame in metres centred on the town, scale 1 at the centre."""

    def __init__(self, lon0: float, lat0: float) -> None:
        proj = f"+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
        self._to_wgs84 = Transformer.from_crs(proj, "EPSG:4326", always_xy=True)
        self._to_local = Transformer.from_crs("EPSG:4326", proj, always_xy=True)

    def lon_lat(self, xy: np.ndarray) -> np.ndarray:
        """Return an (n, 2) array of local (x, y) metres as WGS-84 (lon, lat)."""
        lon, lat = self._to_wgs84.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    def metres(self, lon_lat: np.ndarray) -> np.ndarray:
        """Return an (n, 2) array of WGS-84 (lon, lat) as local (x, y) metres."""
        x, y = self._to_local.transform(lon_lat[:, 0], lon_lat[:, 1])
        return np.column_stack([x, y])

    def geometries_to_wgs84(self, geoms: Sequence[BaseGeometry]) -> list[BaseGeometry]:
        """Return geometries in WGS-84, transforming each distinct vertex once so shared edges stay shared."""
        # Vertices are not rounded: a node a hair off a straight border could fold a ring once rounded.

        def move(coords: np.ndarray) -> np.ndarray:
            unique, inverse = np.unique(coords, axis=0, return_inverse=True)
            return self.lon_lat(unique)[inverse.ravel()]

        # shapely.transform hands every vertex of every geometry to move() in one call.
        return list(shapely.transform(np.asarray(geoms, dtype=object), move))


def geodesic_area_m2(geom: BaseGeometry) -> float:
    """Return the area in square metres of a WGS-84 (lon, lat) geometry on the ellipsoid."""
    area, _ = WGS84_GEOD.geometry_area_perimeter(geom)
    return abs(area)
