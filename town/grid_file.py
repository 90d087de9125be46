"""grids.geojson: the grid boundaries as a GeoJSON FeatureCollection, one feature per line."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.errors import ShapelyError
from shapely.geometry.base import BaseGeometry

from gis.crs import Crs, parse_crs, to_wgs84
from gis.errors import GisError
from gis.hierarchy import check_staff
from gis.models import Grid, GridStaff, StaffRole
from town.errors import TownFileError

logger = logging.getLogger(__name__)

POLYGONAL = ("Polygon", "MultiPolygon")
# Old-style GeoJSON "crs" objects (QGIS, ogr2ogr) name WGS-84 and CGCS2000 by URN or EPSG code.
NAMED_SYSTEMS = {"crs84": Crs.WGS84, "4326": Crs.WGS84, "4490": Crs.CGCS2000}


def write_grids(grids: list[Grid], path: Path) -> Path:
    """Write grids.geojson in WGS-84 (RFC 7946), one feature per line so diffs stay readable."""
    lines = []
    for grid in grids:
        feature = {
            "type": "Feature",
            "properties": {
                "code": grid.code,
                "name": grid.name,
                "level": int(grid.level),
                "parent_code": grid.parent_code,
                "staff": [staff_fields(person) for person in grid.staff],
            },
            "geometry": mapping(grid.geometry),
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    path.write_text('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
    return path


def read_grids(path: Path) -> list[Grid]:
    """Read grids.geojson: validate every feature and the parent links, converting any crs to WGS-84."""
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise TownFileError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise TownFileError(f"{name} line {exc.lineno}: not valid JSON: {exc.msg}") from None
    features_ok = isinstance(data, dict) and isinstance(data.get("features"), list)
    if not features_ok or data.get("type") != "FeatureCollection":
        raise TownFileError(f"{name}: expected a GeoJSON FeatureCollection with a features list")
    file_crs = _crs_of(data.get("crs"), where=f"{name}: crs")
    features = enumerate(data["features"], start=1)
    grids = [_read_feature(feature, f"{name} feature {number}", file_crs) for number, feature in features]
    _check_hierarchy(grids, name)
    _warn_unless_partition(grids, name)
    return grids


def _read_feature(feature: Any, where: str, file_crs: Crs) -> Grid:
    """Return the grid one feature describes, or raise naming the feature and the field."""
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        raise TownFileError(f"{where}: expected a Feature with properties")
    props = feature["properties"]
    code = _text(props, "code", where)
    where = f"{where} (code {code})"
    level = _level(props.get("level"), where)
    parent = props.get("parent_code")
    parent_code = None if parent in (None, "") else str(parent)
    system = _crs_of(props["crs"], where=f"{where}: crs") if props.get("crs") else file_crs
    geometry = _geometry(feature.get("geometry"), where, system)
    staff = _staff(props.get("staff"), where)
    return Grid(code, _text(props, "name", where), level, parent_code, geometry, staff)


def staff_fields(person: GridStaff) -> dict[str, str]:
    """Return one staff member as the file writes them."""
    return {"role": str(person.role), "name": person.name, "phone": person.phone, "username": person.username}


def _staff(value: Any, where: str) -> tuple[GridStaff, ...]:
    """Return the staff a property lists: a JSON array of {role, name, phone, username}, or the old text (a head)."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        # Files written before staff had roles name one person: the grid head.
        return (GridStaff(StaffRole.HEAD, value.strip()),)
    if not isinstance(value, list):
        raise TownFileError(f"{where}: staff must be a list of {{role, name, phone, username}}, got {value!r}")
    people = []
    for number, item in enumerate(value, start=1):
        at = f"{where}: staff {number}"
        if not isinstance(item, dict):
            raise TownFileError(f"{at}: expected an object with role and name, got {item!r}")
        unknown = set(item) - {"role", "name", "phone", "username"}
        if unknown:
            raise TownFileError(f"{at}: unknown field {sorted(unknown)[0]!r}; allowed: role, name, phone, username")
        role = item.get("role")
        if role not in set(StaffRole):
            raise TownFileError(f"{at}: role {role!r} is not one of {', '.join(StaffRole)}")
        fields = {key: item.get(key) or "" for key in ("name", "phone", "username")}
        bad = next((key for key, text in fields.items() if not isinstance(text, str)), None)
        if bad is not None:
            raise TownFileError(f"{at}: {bad} {item[bad]!r} is not text")
        people.append(GridStaff(StaffRole(role), fields["name"].strip(), fields["phone"].strip(),
                                fields["username"].strip()))
    try:
        check_staff(people, where=where)
    except GisError as exc:
        raise TownFileError(str(exc)) from None
    return tuple(people)


def _level(value: Any, where: str) -> int:
    """Return the grid level a property gives as a whole number or digits, 1 (the coarsest) or more."""
    whole = isinstance(value, int) and not isinstance(value, bool)
    digits = isinstance(value, str) and value.strip().isdigit()
    if (whole or digits) and int(value) >= 1:
        return int(value)
    raise TownFileError(f"{where}: level {value!r} is not a whole number from 1 (1 is the coarsest level)")


def _text(props: dict[str, Any], field: str, where: str) -> str:
    """Return a non-empty text property; whole numbers are accepted, as spreadsheets turn codes into them."""
    value = props.get(field)
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise TownFileError(f"{where}: {field} {value!r} is missing or not text")
    return str(value).strip()


def _geometry(raw: Any, where: str, system: Crs) -> BaseGeometry:
    """Return a valid WGS-84 polygon or multipolygon built from a GeoJSON geometry in system."""
    if not isinstance(raw, dict) or raw.get("type") not in POLYGONAL:
        kind = raw.get("type") if isinstance(raw, dict) else raw
        raise TownFileError(f"{where}: geometry must be a Polygon or MultiPolygon, got {kind!r}")
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, ShapelyError) as exc:
        raise TownFileError(f"{where}: geometry is malformed: {exc}") from None
    if geometry.is_empty:
        raise TownFileError(f"{where}: geometry is empty")
    if not np.all(np.isfinite(shapely.get_coordinates(geometry))):
        raise TownFileError(f"{where}: geometry has a coordinate that is not a finite number")
    lon_min, lat_min, lon_max, lat_max = geometry.bounds
    if lon_min < -180 or lon_max > 180 or lat_min < -90 or lat_max > 90:
        raise TownFileError(f"{where}: geometry has coordinates outside lon -180..180, lat -90..90; is it lon/lat?")
    if system not in (Crs.WGS84, Crs.CGCS2000):
        geometry = shapely.transform(geometry, lambda xy: np.array([to_wgs84(x, y, system) for x, y in xy]))
    if not geometry.is_valid:
        raise TownFileError(f"{where}: geometry is not valid: {shapely.is_valid_reason(geometry)}")
    return geometry


def _crs_of(value: Any, *, where: str) -> Crs:
    """Return the system a crs member names: a plain name (gcj02) or an old-style {"type": "name"} object."""
    if isinstance(value, dict):
        value = (value.get("properties") or {}).get("name")
    if isinstance(value, str):
        for key, system in NAMED_SYSTEMS.items():
            if value.lower().replace(":", "").endswith(key):
                return system
    try:
        return parse_crs(value if value is None else str(value), where=where)
    except GisError as exc:
        raise TownFileError(str(exc)) from None


def _check_hierarchy(grids: list[Grid], name: str) -> None:
    """Raise unless codes are unique and each grid's parent exists one level up (none for the town)."""
    number_of: dict[str, int] = {}
    for number, grid in enumerate(grids, 1):
        if grid.code in number_of:
            first = number_of[grid.code]
            raise TownFileError(f"{name} feature {number}: code {grid.code!r} is already used by feature {first}")
        number_of[grid.code] = number
    by_code = {grid.code: grid for grid in grids}
    for number, grid in enumerate(grids, 1):
        where = f"{name} feature {number} (code {grid.code})"
        if grid.level == 1:
            if grid.parent_code is not None:
                raise TownFileError(f"{where}: parent_code {grid.parent_code!r} on a level-1 grid, which has no parent")
            continue
        parent = by_code.get(grid.parent_code or "")
        if parent is None:
            raise TownFileError(f"{where}: parent_code {grid.parent_code!r} is not the code of any grid in the file")
        if parent.level != grid.level - 1:
            raise TownFileError(
                f"{where}: parent_code {grid.parent_code!r} is a level-{int(parent.level)} grid, "
                f"expected level {grid.level - 1}"
            )


def _warn_unless_partition(grids: list[Grid], name: str) -> None:
    """Log when a level's grids overlap or misalign: surveyors' files often do, and locating then picks one."""
    for level in sorted({grid.level for grid in grids}):
        layer = [grid.geometry for grid in grids if grid.level == level]
        if len(layer) > 1 and not shapely.coverage_is_valid(layer):
            logger.warning("grids overlap or do not share borders", extra={"file": name, "level": int(level)})
