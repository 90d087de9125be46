"""Write grids to GeoJSON (RFC 7946), GeoPackage or a zipped Shapefile, with every attribute.

GeoJSON: lon/lat, exterior rings counter-clockwise (the right-hand rule), no crs member, 9 decimals (0.1 mm).
GeoPackage: one layer "grids" with a level column (any depth of levels without a layer naming scheme; filter on
level in QGIS). Shapefile: a .zip holding .shp/.shx/.dbf/.prj/.cpg (UTF-8), field names of at most 10 characters
(parent_code becomes "parent"), text fields of at most 254 bytes.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from gis.errors import GisError
from gis.models import Grid
from gis.staff_text import staff_text

# 9 decimals of a degree are about 0.1 mm: far inside the 1 cm a round trip must keep.
DECIMALS = 9
LAYER = "grids"
DBF_TEXT_BYTES = 254


class ExportFormat(StrEnum):
    """The formats grids are written in."""

    GEOJSON = "geojson"
    GPKG = "gpkg"
    SHP = "shp"


def export_grids(grids: Sequence[Grid], *, fmt: ExportFormat | str, out: Path, set_id: int | None = None,
                 level: int | None = None) -> int:
    """Write the grids (one level with level) to out in fmt; return how many were written."""
    try:
        fmt = ExportFormat(str(fmt).lower())
    except ValueError:
        raise GisError(f"--format {fmt!r}: use one of {', '.join(f.value for f in ExportFormat)}") from None
    chosen = sorted((g for g in grids if level is None or int(g.level) == level), key=lambda g: (int(g.level), g.code))
    if not chosen:
        raise GisError(f"no grids to export{f' at level {level}' if level is not None else ''}")
    out.parent.mkdir(parents=True, exist_ok=True)
    geometries = _oriented(np.array([g.geometry for g in chosen], dtype=object))
    records = [{"code": g.code, "name": g.name, "level": int(g.level), "parent_code": g.parent_code,
                "staff": staff_text(g.staff), "set_id": set_id if set_id is not None else 0} for g in chosen]
    if fmt is ExportFormat.GEOJSON:
        _write_geojson(records, geometries, out)
    elif fmt is ExportFormat.GPKG:
        _frame(records, geometries).to_file(out, driver="GPKG", layer=LAYER, engine="pyogrio")
    else:
        _write_shapefile(records, geometries, out)
    return len(chosen)


def _oriented(geometries: np.ndarray) -> np.ndarray:
    """Return polygons with counter-clockwise exteriors and clockwise holes (RFC 7946 section 3.1.6)."""
    return shapely.orient_polygons(geometries, exterior_cw=False)


def _frame(records: list[dict[str, object]], geometries: np.ndarray) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(records, geometry=list(geometries), crs="EPSG:4326")


def _write_geojson(records: list[dict[str, object]], geometries: np.ndarray, out: Path) -> None:
    rounded = shapely.transform(geometries, lambda xy: np.round(xy, DECIMALS))
    shapes = shapely.to_geojson(rounded)
    lines = [f'{{"type":"Feature","properties":{json.dumps(r, ensure_ascii=False, separators=(",", ":"))},'
             f'"geometry":{s}}}' for r, s in zip(records, shapes, strict=True)]
    out.write_text('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")


def _write_shapefile(records: list[dict[str, object]], geometries: np.ndarray, out: Path) -> None:
    for record in records:
        for field in ("code", "name", "parent_code", "staff"):
            size = len(str(record[field]).encode("utf-8"))
            if size > DBF_TEXT_BYTES:
                raise GisError(f"grid {record['code']}: {field} is {size} bytes, more than a Shapefile field holds "
                               f"({DBF_TEXT_BYTES}); export to GeoPackage or GeoJSON instead")
    frame = _frame(records, geometries).rename(columns={"parent_code": "parent"})
    with tempfile.TemporaryDirectory() as folder:
        shp = Path(folder) / f"{out.stem or LAYER}.shp"
        frame.to_file(shp, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8")
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for part in sorted(Path(folder).iterdir()):
                bundle.write(part, part.name)
