"""Benchmark the grid import of a 5,000-polygon GeoPackage: read + validate, and the whole import into SQLite.

The file is a realistic partition: a town, a level of villages (blocks of cells), and a --cols × --rows lattice of
cells whose corners are jittered and whose edges carry extra vertices (shared by both neighbours, so the cells
tile exactly, as a surveyor's coverage does). What is timed, in the same run:
- baseline: `geopandas.read_file` + `shapely.is_valid` of every geometry (reading and the cheapest check);
- ours: `gis.grid_files.read_grid_file` + `gis.grid_validation.validate_grids` (every check of the report);
- import: `gridwatch.grid_import.import_grid_file` into a fresh SQLite store (read, validate, relocate, write);
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

from gis.grid_files import read_grid_file  # noqa: E402
from gis.grid_validation import validate_grids  # noqa: E402
from gridwatch.grid_import import import_grid_file  # noqa: E402
from storage import open_store  # noqa: E402

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

        baseline_s = _best_of(args.runs, baseline)
        ours_s = _best_of(args.runs, ours)
        faulty_s = _best_of(args.runs, lambda: ours(faulty_path))
        store = open_store(f"sqlite:///{Path(folder) / 'store.db'}")
        store.migrate()
        try:
            started = time.perf_counter()
            result = import_grid_file(store, path, now=datetime.now(UTC))
            import_s = time.perf_counter() - started
            written = result.written
        except NotImplementedError:  # a store without grid sets: no whole-import figure
            import_s, written = float("nan"), False
        finally:
            store.close()
    print(json.dumps({
        "bench": "grid_import", "polygons": len(frame), "cells": args.cols * args.rows,
        "vertices": int(shapely.get_num_coordinates(frame.geometry.values).sum()), "errors_found": findings[path],
        "baseline_read_is_valid_s": round(baseline_s, 4), "read_validate_s": round(ours_s, 4),
        "ratio_read_validate_to_baseline": round(ours_s / baseline_s, 2),
        "faulty_read_validate_s": round(faulty_s, 4), "faulty_errors_found": findings[faulty_path],
        "ratio_faulty_to_baseline": round(faulty_s / baseline_s, 2),
        "import_sqlite_s": None if import_s != import_s else round(import_s, 4), "import_written": written,
        "ratio_import_to_baseline": None if import_s != import_s else round(import_s / baseline_s, 2),
    }))


def _best_of(runs: int, work: object) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best


if __name__ == "__main__":
    main()
