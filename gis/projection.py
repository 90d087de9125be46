"""CGCS2000 Gauss-Krüger zones (EPSG:4491-4554) to and from geographic (lon, lat), through pyproj.

Surveys in China come projected: 3-degree zones (central meridians 75E..135E, every 3 degrees) as EPSG:4513-4533
(easting prefixed with the zone number, zone 39 -> 39,500,000 at the central meridian) or EPSG:4534-4554 (named by
central meridian, easting 500,000 there); 6-degree zones as EPSG:4491-4501 (prefixed) and 4502-4512. Coordinates
here are always (x, y) = (easting, northing), whatever the surveyor's "X" (northing) convention says.

The geographic side is CGCS2000 (EPSG:4490), which we take as WGS-84: the ellipsoids differ only in flattening
(1/298.257222101 against 1/298.257223563, under 0.1 mm in latitude) and the frames (ITRF97 at 2000.0 against
WGS-84 (G1762)) agree to a few centimetres plus plate motion of about 3 cm a year since 2000, well under a phone's
or a GPS's error. PROJ agrees: its CGCS2000 -> WGS 84 operation is a "ballpark" null offset. So we transform only
within CGCS2000 (zone <-> EPSG:4490), never through a datum shift.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from pyproj import Transformer

from gis.errors import GisError

CGCS2000_GEOGRAPHIC = 4490
# EPSG code ranges of the CGCS2000 Gauss-Krüger zones: (first code, last code, zone width, first central meridian,
# zone-prefixed easting).
_FAMILIES = (
    (4491, 4501, 6, 75, True),    # 6-degree zones 13..23
    (4502, 4512, 6, 75, False),   # 6-degree, CM 75E..135E
    (4513, 4533, 3, 75, True),    # 3-degree zones 25..45
    (4534, 4554, 3, 75, False),   # 3-degree, CM 75E..135E
)
# A point this far past its zone's edge (degrees of longitude) is refused: coordinates given in the wrong zone, or
# northing and easting swapped. Half a zone's width, so neighbouring zones' overlap strips (common in surveys) pass.
_ZONE_SLACK_DEG = 1.5


@dataclass(frozen=True, slots=True)
class GaussKruger:
    """One CGCS2000 Gauss-Krüger zone: its EPSG code, zone number, width, central meridian and easting style."""

    epsg: int
    zone: int
    width_deg: int
    central_meridian: int
    zone_prefixed: bool

    @property
    def value(self) -> str:
        """Return the name a client gives for this system (EPSG:45xx), as Crs members give theirs."""
        return f"EPSG:{self.epsg}"

    @property
    def false_easting(self) -> float:
        """Return the easting of the central meridian in metres."""
        return self.zone * 1_000_000 + 500_000.0 if self.zone_prefixed else 500_000.0

    def __str__(self) -> str:
        return self.value


def gauss_kruger(epsg: int) -> GaussKruger | None:
    """Return the CGCS2000 Gauss-Krüger zone with this EPSG code, or None when the code is not one."""
    for first, last, width, first_cm, prefixed in _FAMILIES:
        if first <= epsg <= last:
            cm = first_cm + (epsg - first) * width
            zone = cm // 3 if width == 3 else (cm + 3) // 6
            return GaussKruger(epsg, zone, width, cm, prefixed)
    return None


def zone_for_lon(lon: float, *, width_deg: int = 3, zone_prefixed: bool = True) -> GaussKruger:
    """Return the Gauss-Krüger zone (3- or 6-degree) whose central meridian is nearest to lon (75E..135E)."""
    if width_deg not in (3, 6):
        raise GisError(f"zone width must be 3 or 6 degrees, got {width_deg}")
    if not (math.isfinite(lon) and 73.5 <= lon <= 136.5 + 1.5 * (width_deg == 6)):
        raise GisError(f"lon {lon} is outside China's Gauss-Krüger zones (73.5..136.5)")
    # 3-degree zone n spans CM 3n +-1.5; 6-degree zone n spans 6n-6..6n, CM 6n-3. Clamp to the zones EPSG defines.
    cm = min(max(3 * round(lon / 3), 75), 135) if width_deg == 3 else min(max(6 * math.floor(lon / 6) + 3, 75), 135)
    for first, _last, width, first_cm, prefixed in _FAMILIES:
        if width == width_deg and prefixed == zone_prefixed:
            zone = gauss_kruger(first + (cm - first_cm) // width)
            assert zone is not None
            return zone
    raise AssertionError("unreachable: every width and style has a family")


@functools.lru_cache(maxsize=128)
def _transformer(epsg: int, inverse: bool) -> Transformer:
    # Built once per zone and direction: a Transformer costs milliseconds to make, microseconds to use.
    if inverse:
        return Transformer.from_crs(epsg, CGCS2000_GEOGRAPHIC, always_xy=True)
    return Transformer.from_crs(CGCS2000_GEOGRAPHIC, epsg, always_xy=True)


def _check_in_zone(zone: GaussKruger, lon: np.ndarray, x: np.ndarray, y: np.ndarray, where: str) -> None:
    bad = ~np.isfinite(lon) | (np.abs(lon - zone.central_meridian) > zone.width_deg / 2 + _ZONE_SLACK_DEG)
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        raise GisError(f"{where}: ({x.ravel()[i]}, {y.ravel()[i]}) is not in {zone.value} (zone {zone.zone}, "
                       f"CM {zone.central_meridian}E, false easting {zone.false_easting:.0f}): wrong zone, or "
                       "easting and northing swapped? Give x = easting, y = northing")


def to_lon_lat_many(xs: object, ys: object, zone: GaussKruger, *, where: str = "position") -> tuple[np.ndarray, np.ndarray]:
    """Return arrays of (lon, lat) in CGCS2000 (= WGS-84) from eastings and northings in the zone."""
    x = np.asarray(xs, dtype=np.float64)
    y = np.asarray(ys, dtype=np.float64)
    if x.shape != y.shape:
        raise GisError(f"{where}: eastings and northings must have the same shape, got {x.shape} and {y.shape}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise GisError(f"{where}: eastings and northings must be finite")
    lon, lat = _transformer(zone.epsg, True).transform(x, y)
    lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    _check_in_zone(zone, lon, x, y, where)
    return lon, lat


def from_lon_lat_many(lons: object, lats: object, zone: GaussKruger) -> tuple[np.ndarray, np.ndarray]:
    """Return arrays of (easting, northing) in the zone from CGCS2000 (= WGS-84) lon/lat."""
    lon = np.asarray(lons, dtype=np.float64)
    lat = np.asarray(lats, dtype=np.float64)
    x, y = _transformer(zone.epsg, False).transform(lon, lat)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def to_lon_lat(x: float, y: float, zone: GaussKruger, *, where: str = "position") -> tuple[float, float]:
    """Return the (lon, lat) of one easting/northing in the zone."""
    lon, lat = to_lon_lat_many(np.array([x]), np.array([y]), zone, where=where)
    return float(lon[0]), float(lat[0])


def from_lon_lat(lon: float, lat: float, zone: GaussKruger) -> tuple[float, float]:
    """Return the (easting, northing) in the zone of one lon/lat."""
    x, y = _transformer(zone.epsg, False).transform(lon, lat)
    return float(x), float(y)
