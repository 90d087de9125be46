"""Benchmark the grid import of a 5,000-polygon GeoPackage: read + validate, and the whole import into SQLite.

The file is a realistic partition: a town, a level of villages (blocks of cells), and a --cols × --rows lattice of
cells whose corners are jittered and whose edges carry extra vertices (shared by both neighbours, so the cells
tile exactly, as a surveyor's coverage does). What is timed, in the same run:
- baseline: `geopandas.read_file` + `shapely.is_valid` of every geometry (reading and the cheapest check);
- ours: `gis.grid_files.read_grid_file` + `gis.grid_validation.validate_grids` (every check of the report);
- import: `gridwatch.grid_import.import_grid_file` of a re-survey (the lattice jittered again) into an SQLite store
  holding the first set, --devices devices and a fifth as many cameras (read, validate, relocate, write);
- faulty: read + validate of the same file with one cell per village shrunk by 0.1 % (a gap in every village, so
  every parent takes the union a clean partition skips): the worst case of the gap check.

Prints one JSON line. Usage: python bench/grid_import.py [--cols 50] [--rows 100] [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import best_of  # noqa: E402
from gis.grid_files import read_grid_file  # noqa: E402
from gis.grid_validation import validate_grids  # noqa: E402
from gridwatch.grid_import import import_grid_file  # noqa: E402
from iot.models import Device, SensorKind  # noqa: E402
from storage import open_store  # noqa: E402
from video.models import Camera  # noqa: E402

LON0, LAT0, CELL_DEG = 119.9, 32.2, 0.002
EDGE_POINTS = 3


def lattice(cols: int, rows: int, seed: int) -> np.ndarray:
    """Return jittered corner points, shape (cols + 1, rows + 1, 2); the outer ring stays straight."""
    rng = np.random.default_rng(seed)
    xs = LON0 + CELL_DEG * np.arange(cols + 1)
    ys = LAT0 + CELL_DEG * np.arange(rows + 1)
    grid = np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1)
    jitter = rng.uniform(-0.25, 0.25, size=grid.shape) * CELL_DEG
    jitter[[0, -1], :, 0] = 0
    jitter[:, [0, -1], 1] = 0
    return grid + jitter


def edge(a: np.ndarray, b: np.ndarray) -> list[tuple[float, float]]:
    """Return the points from a to b (b excluded) with EDGE_POINTS between, computed the same way both directions."""
    forward = tuple(a) <= tuple(b)
    p, q = (a, b) if forward else (b, a)
    t = np.linspace(0, 1, EDGE_POINTS + 2)[:, None]
    pts = p + t * (q - p)
    pts = pts if forward else pts[::-1]
    return [tuple(map(float, xy)) for xy in pts[:-1]]


def partition(cols: int, rows: int, block: tuple[int, int], seed: int) -> gpd.GeoDataFrame:
    """Return the town, its villages (block cells each) and the cells, as one frame."""
    corners = lattice(cols, rows, seed)
    records, cells = [], []
    for i in range(cols):
        for j in range(rows):
            ring = (edge(corners[i, j], corners[i + 1, j]) + edge(corners[i + 1, j], corners[i + 1, j + 1])
                    + edge(corners[i + 1, j + 1], corners[i, j + 1]) + edge(corners[i, j + 1], corners[i, j]))
            village = (i // block[0]) * (rows // block[1]) + j // block[1] + 1
            cells.append((f"321283101{village:03d}{len(cells) + 1:05d}", f"网格{len(cells) + 1}", 3,
                          f"321283101{village:03d}", shapely.Polygon(ring)))
    villages: dict[str, list[shapely.Polygon]] = {}
    for cell in cells:
        villages.setdefault(cell[3], []).append(cell[4])
    town = shapely.coverage_union_all(np.array([c[4] for c in cells], dtype=object))
    records.append(("321283101", "杨胜镇", 1, None, town))
    for code, polys in villages.items():
        village = shapely.coverage_union_all(np.array(polys, dtype=object))
        records.append((code, f"村{code[-3:]}", 2, "321283101", village))
    records += cells
    return gpd.GeoDataFrame(records, columns=["code", "name", "level", "parent_code", "geometry"], crs="EPSG:4326")


def main() -> None:
    """Build the file, time the baseline, read + validate, and the whole import; print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cols", type=int, default=50)
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3, help="keep the best of this many runs")
    parser.add_argument("--devices", type=int, default=1000, help="devices (and a fifth as many cameras) to relocate")
    parser.add_argument("--quick", action="store_true", help="a 10 × 20 lattice (200 cells), one run")
    args = parser.parse_args()
    if args.quick:
        args.cols, args.rows, args.runs = 10, 20, 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "grids.gpkg"
        frame = partition(args.cols, args.rows, (5, 10), args.seed)
        frame.to_file(path, driver="GPKG", layer="grids", engine="pyogrio")

        def baseline() -> None:
            read = gpd.read_file(path, engine="pyogrio")
            assert bool(shapely.is_valid(read.geometry.values).all())

        faulty_path = Path(folder) / "faulty.gpkg"
        faulty = frame.copy()
        first_cells = faulty.index[(faulty["level"] == 3) & ~faulty["parent_code"].duplicated()]
        faulty.loc[first_cells, "geometry"] = faulty.loc[first_cells, "geometry"].scale(0.999, 0.999)
        faulty.to_file(faulty_path, driver="GPKG", layer="grids", engine="pyogrio")
        findings: dict[Path, int] = {}

        def ours(file: Path = path) -> None:
            report = validate_grids(read_grid_file(file))
            findings[file] = len(report.errors)

        baseline_s = best_of(args.runs, baseline)
        ours_s = best_of(args.runs, ours)
        faulty_s = best_of(args.runs, lambda: ours(faulty_path))
        # The whole import as in production: a store holding a set, devices and cameras, and a new survey (another
        # jitter of the lattice) replacing it, so the relocation has points to move.
        resurvey = Path(folder) / "resurvey.gpkg"
        partition(args.cols, args.rows, (5, 10), args.seed + 1).to_file(resurvey, driver="GPKG", layer="grids",
                                                                          engine="pyogrio")
        store = open_store(f"sqlite:///{Path(folder) / 'store.db'}")
        store.migrate()
        try:
            import_grid_file(store, path, now=datetime.now(UTC))
            _seed_things(store, frame, args.devices, args.seed)
            started = time.perf_counter()
            result = import_grid_file(store, resurvey, now=datetime.now(UTC))
            import_s = time.perf_counter() - started
            written = result.written
            moved = {m.kind: m.moved for m in result.moves}
        finally:
            store.close()
    print(json.dumps({
        "bench": "grid_import", "polygons": len(frame), "cells": args.cols * args.rows,
        "vertices": int(shapely.get_num_coordinates(frame.geometry.values).sum()), "errors_found": findings[path],
        "baseline_read_is_valid_s": round(baseline_s, 4), "read_validate_s": round(ours_s, 4),
        "ratio_read_validate_to_baseline": round(ours_s / baseline_s, 2),
        "faulty_read_validate_s": round(faulty_s, 4), "faulty_errors_found": findings[faulty_path],
        "ratio_faulty_to_baseline": round(faulty_s / baseline_s, 2),
        "import_sqlite_s": round(import_s, 4), "import_written": written, "moved": moved,
        "ratio_import_to_baseline": round(import_s / baseline_s, 2),
    }))


def _seed_things(store: object, frame: gpd.GeoDataFrame, devices: int, seed: int) -> None:
    """Put devices and cameras at random places over the town into the store."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = frame.total_bounds
    lons, lats = rng.uniform(x0, x1, devices), rng.uniform(y0, y1, devices)
    with store.unit_of_work() as uow:  # type: ignore[attr-defined]
        uow.devices.upsert_many([Device(f"d{i}", SensorKind.AIR_QUALITY, f"d{i}", float(lons[i]), float(lats[i]))
                                 for i in range(devices)])
        uow.cameras.upsert_many([Camera(f"c{i}", f"c{i}", float(lons[i]), float(lats[i]), 0.0, 60.0, 100.0)
                                 for i in range(0, devices, 5)])



if __name__ == "__main__":
    main()
