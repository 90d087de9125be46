"""Read grid boundaries from GeoJSON, zipped Shapefile or GeoPackage (geopandas over pyogrio) into WGS-84 rows."""

from __future__ import annotations

import json
import logging
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError
from pyogrio.raw import read as read_raw
from pyproj import CRS
from pyproj.exceptions import CRSError

from gis.errors import GisError
from gis.grid_crs import SourceCrs, from_file, resolve_crs, to_wgs84
from gis.grid_report import Finding, GridRows, error, warning

logger = logging.getLogger(__name__)

FORMATS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".zip": "zipped Shapefile", ".gpkg": "GeoPackage",
           ".shp": "Shapefile"}
# Shapefile field names stop at 10 characters; our own exports write these, so defaults fall back to them.
SHORT_NAMES = {"parent_code": "parent"}


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which attribute holds each grid property; level_field is ignored when the whole file is one --level."""

    code: str = "code"
    name: str = "name"
    parent: str = "parent_code"
    level: str = "level"
    staff: str = "staff"


DEFAULT_FIELDS = FieldMap()


def read_grid_file(path: Path, *, fields: FieldMap = DEFAULT_FIELDS, crs: str | None = None, layer: str | None = None,
                   level: int | None = None) -> GridRows:
    """Read a boundary file into rows in WGS-84; raise GisError naming the file and the problem.

    The file's own system is used unless crs names one (then crs wins: surveyors' .prj files are often wrong);
    a file with neither is refused. Problems of single features are kept as findings for the report.
    """
    where = path.name
    if not path.exists():
        raise GisError(f"{where}: no such file")
    if path.suffix.lower() not in FORMATS:
        raise GisError(f"{where}: unknown format {path.suffix!r}; give a .geojson, a zipped Shapefile (.zip) "
                       "or a GeoPackage (.gpkg)")
    if level is not None and level < 1:
        raise GisError(f"--level {level}: a level is a whole number from 1 (the coarsest)")
    chosen = _layer(path, layer)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes on odd files; errors still raise
            meta, _, wkb, values = read_raw(path, layer=chosen)
    except (DataSourceError, DataLayerError, FieldError, GeometryError, OSError, ValueError) as exc:
        raise GisError(f"{where}: cannot read the file: {_first_line(exc)}") from None
    where = f"{where} layer {chosen}" if chosen else where
    if wkb is None:
        raise GisError(f"{where}: the layer has no geometry column: not a layer of boundaries")
    if len(wkb) == 0:
        raise GisError(f"{where}: the file holds no features")
    frame = {str(name): column for name, column in zip(meta["fields"], values, strict=True)}
    source = _source_crs(_file_crs(meta["crs"], where), crs, where)
    columns = set(frame)
    code_col = _column(columns, fields.code, "code", "--code-field", where)
    name_col = _column(columns, fields.name, "name", "--name-field", where)
    level_col = None if level is not None else _column(columns, fields.level, "level", "--level-field", where,
                                                      hint="or give --level N when the file holds one level")
    parent_col = _optional(columns, fields.parent, DEFAULT_FIELDS.parent)
    staff_col = _optional(columns, fields.staff, DEFAULT_FIELDS.staff)
    count = len(wkb)
    rows = np.arange(1, count + 1)
    problems: list[Finding] = _override_warning(_file_crs(meta["crs"], where), source)
    codes = [_text(v) for v in frame[code_col]]
    names = [_text(v) for v in frame[name_col]]
    for i in np.flatnonzero([not c for c in codes]):
        problems.append(error("missing_code", f"field {code_col!r} is empty", row=int(rows[i])))
    for i in np.flatnonzero([not n for n in names]):
        problems.append(error("missing_name", f"field {name_col!r} is empty", code=codes[i], row=int(rows[i])))
    if level_col is None:
        levels = np.full(count, int(level), dtype=np.int64)
    else:
        levels = np.array([_level(v) for v in frame[level_col]], dtype=np.int64)
        for i in np.flatnonzero(levels < 1):
            problems.append(error("bad_level", f"field {level_col!r} is {_text(frame[level_col][i])!r}, not a whole "
                                  "number from 1", code=codes[i], row=int(rows[i])))
    parents = [_text(v) or None for v in frame[parent_col]] if parent_col else [None] * count
    staff = [_text(v) for v in frame[staff_col]] if staff_col else [""] * count
    geometries = shapely.from_wkb(wkb, on_invalid="ignore")
    for i in np.flatnonzero(shapely.is_missing(geometries) & np.array([w is not None for w in wkb])):
        problems.append(error("malformed_geometry", "the geometry cannot be read (a ring of fewer than 4 points?)",
                              code=codes[i], row=int(rows[i])))
    geometries = _single_parts(to_wgs84(np.asarray(geometries, dtype=object), source, where=where))
    logger.info("read %d features from %s in %s", count, where, source.label)
    return GridRows(where, codes, names, levels, parents, geometries, rows, staff, tuple(problems))


def file_layers(path: Path) -> list[str]:
    """Return the names of the file's layers, or raise GisError naming the file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return [str(name) for name, _ in pyogrio.list_layers(path)]
    except (DataSourceError, OSError, ValueError) as exc:
        raise GisError(f"{path.name}: cannot read the file: {_first_line(exc)}") from None


def _layer(path: Path, layer: str | None) -> str | None:
    """Return the layer to read: the one asked for, or the only one; several without --layer are refused."""
    layers = file_layers(path)
    if layer is not None:
        if layer not in layers:
            raise GisError(f"{path.name}: no layer {layer!r}; its layers are {', '.join(layers)}")
        return layer
    if len(layers) > 1:
        raise GisError(f"{path.name}: the file holds {len(layers)} layers ({', '.join(layers)}); "
                       "choose one with --layer")
    return None


def _source_crs(file_crs: Any, given: str | None, where: str) -> SourceCrs:
    """Return the system to read in: --crs when given, else the file's; neither is refused."""
    if given:
        return resolve_crs(given, where="--crs")
    declared = from_file(file_crs, where=where)
    if declared is None:
        raise GisError(f"{where}: the file declares no coordinate system (a Shapefile without .prj?); "
                       "give it with --crs (EPSG:4490, EPSG:4528, wgs84, cgcs2000, gcj02, bd09)")
    return declared


def _file_crs(text: str | None, where: str) -> CRS | None:
    """Return the system a file declares (EPSG code or WKT), None for none; one pyproj cannot read is refused."""
    if not text:
        return None
    try:
        return CRS.from_user_input(text)
    except CRSError:
        raise GisError(f"{where}: the file declares a coordinate system pyproj does not know ({text[:80]}); "
                       "give the right one with --crs") from None


def _override_warning(file_crs: Any, source: SourceCrs) -> list[Finding]:
    """Warn when --crs overrides a file's own system that differs in more than the datum's name."""
    declared = from_file(file_crs, where="")
    if declared is None or declared.crs.equals(source.crs, ignore_axis_order=True):
        return []
    if declared.crs.is_geographic and source.crs.is_geographic:
        return []  # WGS-84 and CGCS2000 lon/lat (GeoJSON always says WGS-84): nothing to tell
    return [warning("crs_override", f"the file declares {declared.label}; read as {source.label} (--crs)")]


def _column(columns: set[str], wanted: str, what: str, option: str, where: str, hint: str = "") -> str:
    found = _optional(columns, wanted, getattr(DEFAULT_FIELDS, what))
    if found is None:
        listed = ", ".join(sorted(columns)) or "none"
        extra = f" ({hint})" if hint else ""
        raise GisError(f"{where}: no {what} field {wanted!r}; the fields are {listed}; name it with {option}{extra}")
    return found


def _optional(columns: set[str], wanted: str, default: str) -> str | None:
    """Return the column holding a property: as named, case-insensitively, or by its Shapefile short name."""
    by_lower = {c.lower(): c for c in columns}
    candidates = [wanted]
    if wanted == default and default in SHORT_NAMES:
        candidates.append(SHORT_NAMES[default])
    for name in candidates:
        if name in columns:
            return name
        if name.lower() in by_lower:
            return by_lower[name.lower()]
    return None


def _single_parts(geometries: np.ndarray) -> np.ndarray:
    """Return the geometries with one-part multipolygons as polygons (GeoPackage and Shapefile writers promote them)."""
    single = (shapely.get_type_id(geometries) == shapely.GeometryType.MULTIPOLYGON) & (
        shapely.get_num_geometries(geometries) == 1)
    out = geometries.copy()
    out[single] = shapely.get_geometry(geometries[single], 0)
    return out


def _text(value: Any) -> str:
    """Return a property as text: whole numbers without ".0" (spreadsheets turn codes into numbers), None as ""."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict, np.ndarray)):
        # A JSON array or object (staff, as the town file writes it) comes back parsed: back to JSON text.
        return json.dumps(value.tolist() if isinstance(value, np.ndarray) else value, ensure_ascii=False)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, (np.integer,)):
        return str(int(value))
    return str(value).strip()


def _level(value: Any) -> int:
    """Return a level as int, 0 when it is no whole number from 1."""
    text = _text(value)
    return int(text) if text.isascii() and text.isdigit() and int(text) >= 1 else 0


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
