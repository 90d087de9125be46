"""Coordinate systems met in China and their conversion to WGS-84 (lon, lat)."""

from __future__ import annotations

import math
import re
from enum import StrEnum

import prcoords

from gis.errors import GisError
from gis.projection import GaussKruger, gauss_kruger, from_lon_lat, to_lon_lat


class Crs(StrEnum):
    """Systems an incoming coordinate may be in; CGCS2000 is treated as WGS-84 (within centimetres, see crs_bulk)."""

    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"
    CGCS2000 = "cgcs2000"


# A system a coordinate may come in: a named one, or a projected CGCS2000 Gauss-Krüger zone (x = easting, y = northing).
CoordinateSystem = Crs | GaussKruger
# EPSG:4326, epsg:4490, 4527, urn:ogc:def:crs:EPSG::4527 (the URN form GIS tools write).
_EPSG = re.compile(r"^(?:urn:ogc:def:crs:epsg:[0-9.]*:|epsg:?)?([0-9]{4,6})$")
_EPSG_NAMED = {4326: Crs.WGS84, 4490: Crs.CGCS2000}
ALLOWED = ("wgs84, gcj02, bd09, cgcs2000, EPSG:4326, EPSG:4490 or a CGCS2000 Gauss-Krüger zone EPSG:4491..4554 "
           "(3-degree: 4513..4533 zone-prefixed easting, 4534..4554 by central meridian)")


def parse_crs(value: str | None, *, where: str = "crs") -> CoordinateSystem:
    """Return the system named by value (default WGS-84), or raise GisError naming where it came from."""
    if value is None or value == "":
        return Crs.WGS84
    text = str(value).strip().lower()
    try:
        return Crs(text.replace("-", "").replace("_", ""))
    except ValueError:
        pass
    match = _EPSG.match(text.replace(" ", ""))
    if match:
        code = int(match.group(1))
        system = _EPSG_NAMED.get(code) or gauss_kruger(code)
        if system is not None:
            return system
        raise GisError(f"{where}: unknown coordinate system {value!r} (EPSG:{code} is not supported); use {ALLOWED}")
    raise GisError(f"{where}: unknown coordinate system {value!r}; use {ALLOWED}")


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


def to_wgs84(lon: float, lat: float, crs: CoordinateSystem) -> tuple[float, float]:
    """Convert a (lon, lat) in crs to WGS-84; GCJ-02 and BD-09 are inverted by fixed-point iteration below 1 mm.

    A point outside China (prcoords' box, tested on the point as given) comes back unchanged, as the forward
    conversion leaves it: iterating the unchecked forward formula there would shift it by hundreds of metres.
    In a Gauss-Krüger zone lon/lat are easting/northing in metres (gis.projection).
    """
    if isinstance(crs, GaussKruger):
        return to_lon_lat(lon, lat, crs)
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


def from_wgs84(lon: float, lat: float, crs: CoordinateSystem) -> tuple[float, float]:
    """Convert a WGS-84 (lon, lat) into crs; a point outside China is returned unchanged in every named system."""
    if isinstance(crs, GaussKruger):
        return from_lon_lat(lon, lat, crs)
    if crs in (Crs.WGS84, Crs.CGCS2000) or not in_china(lon, lat):
        # prcoords would still add Baidu's fixed offset outside China; we never shift such a point.
        return lon, lat
    return _forward(lon, lat, crs)


def normalise_position(lon: object, lat: object, crs: str | None, *, where: str = "position") -> tuple[float, float]:
    """Validate a coordinate in any supported system and return it in WGS-84 (lon, lat).

    In a Gauss-Krüger zone lon is the easting and lat the northing in metres; the result is checked as lon/lat.
    """
    system = parse_crs(crs, where=f"{where}.crs")
    if isinstance(system, GaussKruger):
        x, y = _finite(lon, lat, where=where, what="easting/northing")
        return check_lon_lat(*to_lon_lat(x, y, system, where=where), where=where)
    lon_f, lat_f = check_lon_lat(lon, lat, where=where)
    return to_wgs84(lon_f, lat_f, system)


def _finite(a: object, b: object, *, where: str, what: str) -> tuple[float, float]:
    try:
        a_f, b_f = float(a), float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise GisError(f"{where}: {what} must be numbers, got {a!r}, {b!r}") from None
    if not (math.isfinite(a_f) and math.isfinite(b_f)):
        raise GisError(f"{where}: {what} must be finite, got {a_f}, {b_f}")
    return a_f, b_f
