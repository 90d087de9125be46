"""Coordinate systems met in China and their conversion to WGS-84 (lon, lat)."""

from __future__ import annotations

import math
from enum import StrEnum

import prcoords

from gis.errors import GisError


class Crs(StrEnum):
    """Systems an incoming coordinate may be in; CGCS2000 is within a metre of WGS-84 and shares its code."""

    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"
    CGCS2000 = "cgcs2000"


def parse_crs(value: str | None, *, where: str = "crs") -> Crs:
    """Return the Crs named by value (default WGS-84), or raise GisError naming where it came from."""
    if value is None or value == "":
        return Crs.WGS84
    try:
        return Crs(str(value).strip().lower().replace("-", "").replace("_", ""))
    except ValueError:
        allowed = ", ".join(c.value for c in Crs)
        raise GisError(f"{where}: unknown coordinate system {value!r}; use one of {allowed}") from None


def check_lon_lat(lon: object, lat: object, *, where: str = "position") -> tuple[float, float]:
    """Return (lon, lat) as finite floats in range, or raise GisError saying what is wrong."""
    try:
        lon_f, lat_f = float(lon), float(lat)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise GisError(f"{where}: lon/lat must be numbers, got {lon!r}, {lat!r}") from None
    if not (math.isfinite(lon_f) and math.isfinite(lat_f)):
        raise GisError(f"{where}: lon/lat must be finite, got {lon_f}, {lat_f}")
    if not (-180.0 <= lon_f <= 180.0):
        raise GisError(f"{where}: lon {lon_f} is outside -180..180")
    if not (-90.0 <= lat_f <= 90.0):
        raise GisError(f"{where}: lat {lat_f} is outside -90..90")
    return lon_f, lat_f


def to_wgs84(lon: float, lat: float, crs: Crs) -> tuple[float, float]:
    """Convert a (lon, lat) in crs to WGS-84, inverting GCJ-02 and BD-09 iteratively to millimetre precision."""
    if crs in (Crs.WGS84, Crs.CGCS2000):
        return lon, lat
    if crs is Crs.GCJ02:
        out = prcoords.gcj_wgs_bored((lat, lon))
    else:
        out = prcoords.bd_wgs_bored((lat, lon))
    return out.lon, out.lat


def from_wgs84(lon: float, lat: float, crs: Crs) -> tuple[float, float]:
    """Convert a WGS-84 (lon, lat) into crs (used by simulators of Chinese phones and tests)."""
    if crs in (Crs.WGS84, Crs.CGCS2000):
        return lon, lat
    out = prcoords.wgs_gcj((lat, lon)) if crs is Crs.GCJ02 else prcoords.wgs_bd((lat, lon))
    return out.lon, out.lat


def normalise_position(lon: object, lat: object, crs: str | None, *, where: str = "position") -> tuple[float, float]:
    """Validate a coordinate in any supported system and return it in WGS-84 (lon, lat)."""
    system = parse_crs(crs, where=f"{where}.crs")
    lon_f, lat_f = check_lon_lat(lon, lat, where=where)
    return to_wgs84(lon_f, lat_f, system)
