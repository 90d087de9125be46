"""Coordinate systems met in China and their conversion to WGS-84 (lon, lat)."""

from __future__ import annotations

import math
from enum import StrEnum

import prcoords

from gis.errors import GisError


class Crs(StrEnum):
    """Systems an incoming coordinate may be in; CGCS2000 is treated as WGS-84 (within centimetres, see crs_bulk)."""

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


# Below this step (degrees, about 0.01 mm) the inverse has converged; prcoords' own inverse stops at 1e-5 (a metre).
_INVERSE_EPS = 1e-10
_INVERSE_MAX_STEPS = 20


def in_china(lon: float, lat: float) -> bool:
    """True if (lon, lat) is inside the box prcoords' forward conversion shifts (outside it, every system is WGS-84)."""
    return prcoords.sanity_in_china_p(prcoords.Coords(lat, lon))


def _forward(lon: float, lat: float, crs: Crs) -> tuple[float, float]:
    # check_china=False: the caller has already decided the point is in China, so prcoords has nothing to warn about.
    gcj = prcoords.wgs_gcj((lat, lon), False)
    out = gcj if crs is Crs.GCJ02 else prcoords.gcj_bd(gcj)
    return out.lon, out.lat


def to_wgs84(lon: float, lat: float, crs: Crs) -> tuple[float, float]:
    """Convert a (lon, lat) in crs to WGS-84; GCJ-02 and BD-09 are inverted by fixed-point iteration below 1 mm.

    A point outside China (prcoords' box, tested on the point as given) comes back unchanged, as the forward
    conversion leaves it: iterating the unchecked forward formula there would shift it by hundreds of metres.
    """
    if crs in (Crs.WGS84, Crs.CGCS2000) or not in_china(lon, lat):
        return lon, lat
    fwd_lon, fwd_lat = _forward(lon, lat, crs)
    w_lon, w_lat = 2 * lon - fwd_lon, 2 * lat - fwd_lat  # first guess: subtract the offset seen at the input
    for _ in range(_INVERSE_MAX_STEPS):
        fwd_lon, fwd_lat = _forward(w_lon, w_lat, crs)
        d_lon, d_lat = fwd_lon - lon, fwd_lat - lat
        w_lon, w_lat = w_lon - d_lon, w_lat - d_lat
        if abs(d_lon) < _INVERSE_EPS and abs(d_lat) < _INVERSE_EPS:
            break
    return w_lon, w_lat


def from_wgs84(lon: float, lat: float, crs: Crs) -> tuple[float, float]:
    """Convert a WGS-84 (lon, lat) into crs; a point outside China is returned unchanged in every system."""
    if crs in (Crs.WGS84, Crs.CGCS2000) or not in_china(lon, lat):
        # prcoords would still add Baidu's fixed offset outside China; we never shift such a point.
        return lon, lat
    return _forward(lon, lat, crs)


def normalise_position(lon: object, lat: object, crs: str | None, *, where: str = "position") -> tuple[float, float]:
    """Validate a coordinate in any supported system and return it in WGS-84 (lon, lat)."""
    system = parse_crs(crs, where=f"{where}.crs")
    lon_f, lat_f = check_lon_lat(lon, lat, where=where)
    return to_wgs84(lon_f, lat_f, system)
