"""The coordinate system of a boundary file, and its geometries brought to WGS-84 (lon, lat).

EPSG codes and every system pyproj knows go through pyproj (CGCS2000 geographic, EPSG:4490, and its 3-degree
Gauss-Krüger zones, EPSG:4513-4533 with the zone number before the easting and 4534-4554 without). GCJ-02 and
BD-09 are not datums pyproj knows: their lon/lat go through gis.crs_bulk, vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError, ProjError

from gis.crs import Crs
from gis.crs_bulk import to_wgs84_many
from gis.errors import GisError

WGS84 = CRS.from_epsg(4326)
# Names people type; EPSG codes and anything else pyproj understands are taken as they are.
NAMED = {"wgs84": "EPSG:4326", "cgcs2000": "EPSG:4490"}
SHIFTED = {"gcj02": Crs.GCJ02, "bd09": Crs.BD09}
# A 3-degree zone is about 340 km wide at 20°N: an easting further than this from the false easting is in no zone.
ZONE_HALF_WIDTH_M = 400_000.0


@dataclass(frozen=True, slots=True)
class SourceCrs:
    """A file's system: a pyproj CRS, or WGS-84 lon/lat shifted to GCJ-02 or BD-09 (shift)."""

    crs: CRS
    label: str
    shift: Crs | None = None


def resolve_crs(text: str, *, where: str) -> SourceCrs:
    """Return the system named by text (EPSG:4528, 4490, wgs84, cgcs2000, gcj02, bd09, WKT), or raise GisError."""
    key = text.strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    if key in SHIFTED:
        return SourceCrs(WGS84, SHIFTED[key].value, SHIFTED[key])
    spec = NAMED.get(key, text.strip())
    if spec.isascii() and spec.isdigit():
        spec = f"EPSG:{spec}"
    try:
        crs = CRS.from_user_input(spec)
    except CRSError:
        raise GisError(f"{where}: unknown coordinate system {text!r}; use an EPSG code (EPSG:4490, EPSG:4528), "
                       "or wgs84, cgcs2000, gcj02, bd09") from None
    return SourceCrs(crs, _label(crs))


def from_file(crs: CRS | None, *, where: str) -> SourceCrs | None:
    """Return the system a file declares, None when it declares none."""
    return None if crs is None else SourceCrs(crs, _label(crs))


def _label(crs: CRS) -> str:
    epsg = crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg}" if epsg else crs.name


def check_zone_eastings(geometries: np.ndarray, source: SourceCrs, *, where: str) -> None:
    """Raise when a transverse-Mercator file's eastings do not belong to its zone (a zone prefix added or missing)."""
    method = source.crs.coordinate_operation.method_name.lower() if source.crs.coordinate_operation else ""
    if not source.crs.is_projected or "transverse mercator" not in method:
        return
    params = {p.name.lower(): p.value for p in source.crs.coordinate_operation.params}
    false_easting = float(params.get("false easting", 0.0))
    xs = shapely.get_coordinates(geometries)[:, 0]
    if xs.size == 0:
        return
    median = float(np.median(xs))
    if abs(median - false_easting) > ZONE_HALF_WIDTH_M:
        raise GisError(
            f"{where}: eastings around {median:,.0f} m do not fit {source.label} "
            f"(false easting {false_easting:,.0f} m):"
            " a Gauss-Krüger file with the zone number in front of the easting is EPSG:4513-4533, one without it"
            " EPSG:4534-4554; give the right one with --crs")


def to_wgs84(geometries: np.ndarray, source: SourceCrs, *, where: str) -> np.ndarray:
    """Return the geometries in WGS-84 lon/lat (one vectorised transform), or raise GisError naming the system."""
    if source.crs.is_geocentric or not (source.crs.is_geographic or source.crs.is_projected):
        raise GisError(f"{where}: coordinate system {source.label} is neither geographic nor projected; "
                       "give the file's system with --crs")
    check_zone_eastings(geometries, source, where=where)
    if not source.crs.equals(WGS84, ignore_axis_order=True):
        try:
            transformer = Transformer.from_crs(source.crs, WGS84, always_xy=True)
        except (CRSError, ProjError) as exc:
            reason = str(exc).split("(Internal Proj Error: ")[-1].rstrip(")")
            raise GisError(f"{where}: cannot convert {source.label} to WGS-84: {reason}") from None
        geometries = shapely.transform(
            geometries, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
    if source.shift is not None:
        shift = source.shift
        geometries = shapely.transform(geometries, lambda xy: _unshift(xy, shift, where))
    return geometries


def _unshift(xy: np.ndarray, shift: Crs, where: str) -> np.ndarray:
    if xy.size == 0:
        return xy
    finite = np.isfinite(xy).all(axis=1) & (np.abs(xy[:, 0]) <= 180) & (np.abs(xy[:, 1]) <= 90)
    out = xy.copy()
    try:
        lon, lat = to_wgs84_many(xy[finite, 0], xy[finite, 1], shift)
    except GisError as exc:
        raise GisError(f"{where}: {exc}") from None
    out[finite, 0], out[finite, 1] = lon, lat
    return out
