"""Grid files for tests: a town partitioned into villages and cells, written with geopandas in any format."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import box

LON0, LAT0 = 120.0, 32.3
TOWN = "321283101"


def town_features(*, villages: tuple[int, int] = (2, 2), cells: tuple[int, int] = (2, 2), size: float = 0.02,
                  lon0: float = LON0, lat0: float = LAT0) -> list[dict[str, Any]]:
    """Return a three-level partition: one town, villages in a grid, each split into cells; all exact tilings."""
    vx, vy = villages
    cx, cy = cells
    width, height = vx * size, vy * size
    features = [dict(code=TOWN, name="杨胜镇", level=1, parent_code=None, staff="",
                     geometry=box(lon0, lat0, lon0 + width, lat0 + height))]
    for i in range(vx):
        for j in range(vy):
            code = f"{TOWN}{i * vy + j + 1:03d}"
            x0, y0 = lon0 + i * size, lat0 + j * size
            features.append(dict(code=code, name=f"村{i}{j}", level=2, parent_code=TOWN, staff="",
                                 geometry=box(x0, y0, x0 + size, y0 + size)))
            step_x, step_y = size / cx, size / cy
            for a in range(cx):
                for b in range(cy):
                    features.append(dict(code=f"{code}{a * cy + b + 1:02d}", name=f"组{i}{j}-{a}{b}", level=3,
                                         parent_code=code, staff="",
                                         geometry=box(x0 + a * step_x, y0 + b * step_y,
                                                      x0 + (a + 1) * step_x, y0 + (b + 1) * step_y)))
    return features


def frame(features: list[dict[str, Any]], crs: Any = "EPSG:4326") -> gpd.GeoDataFrame:
    """Return the features as a GeoDataFrame in crs."""
    return gpd.GeoDataFrame(features, geometry="geometry", crs=crs)


def write(features: list[dict[str, Any]] | gpd.GeoDataFrame, path: Path, *, crs: Any = "EPSG:4326",
          layer: str = "grids") -> Path:
    """Write features as .geojson, .gpkg or a zipped Shapefile (.zip), by path's suffix."""
    data = features if isinstance(features, gpd.GeoDataFrame) else frame(features, crs)
    suffix = path.suffix.lower()
    if suffix == ".gpkg":
        data.to_file(path, driver="GPKG", layer=layer, engine="pyogrio")
    elif suffix == ".zip":
        folder = path.parent / (path.stem + "_shp")
        folder.mkdir(exist_ok=True)
        shp = folder / f"{layer}.shp"
        data.rename(columns={"parent_code": "parent"}).to_file(shp, driver="ESRI Shapefile", engine="pyogrio",
                                                               encoding="UTF-8")
        with zipfile.ZipFile(path, "w") as bundle:
            for part in folder.iterdir():
                bundle.write(part, part.name)
    else:
        data.to_file(path, driver="GeoJSON", engine="pyogrio")
    return path
