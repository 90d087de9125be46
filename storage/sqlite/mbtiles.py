"""Read an MBTiles file (SQLite; the operator's exported basemap): tiles in TMS rows, flipped to XYZ here."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from gis.basemap import BasemapInfo, check_tile_address, format_of
from gis.errors import GisError


class MbtilesBasemap:
    """A BasemapSource over an MBTiles 1.3 file, opened read-only and shared by the server's threads."""

    def __init__(self, path: Path, *, attribution: str = "") -> None:
        if not path.is_file():
            raise GisError(f"basemap MBTiles {path}: no such file")
        try:
            self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
            metadata = dict(self._db.execute("SELECT name, value FROM metadata").fetchall())
            zooms = self._db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
            first = self._db.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
        except sqlite3.DatabaseError as exc:
            raise GisError(f"basemap MBTiles {path}: not a readable MBTiles file ({exc})") from exc
        # One connection, one reader at a time: tile reads are sub-millisecond, so a lock beats a pool.
        self._lock = threading.Lock()
        if zooms[0] is None:
            raise GisError(f"basemap MBTiles {path}: the tiles table is empty")
        fmt = str(metadata.get("format", "")).lower().replace("jpeg", "jpg") or (first and format_of(first[0])) or ""
        if fmt not in ("png", "jpg", "webp"):
            raise GisError(f"basemap MBTiles {path}: format {fmt or 'unknown'!r} is not a raster png, jpg or webp")
        self._info = BasemapInfo(kind="mbtiles", format=fmt,
                                 minzoom=int(metadata.get("minzoom", zooms[0])),
                                 maxzoom=int(metadata.get("maxzoom", zooms[1])),
                                 bounds=_bounds(metadata.get("bounds"), path),
                                 attribution=attribution or str(metadata.get("attribution", "")))

    def info(self) -> BasemapInfo:
        """Return what the file's metadata table says it covers."""
        return self._info

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """Return the tile at XYZ z/x/y (stored at TMS row 2**z - 1 - y), or None."""
        check_tile_address(z, x, y)
        with self._lock:
            row = self._db.execute("SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? "
                                   "AND tile_row = ?", (z, x, (1 << z) - 1 - y)).fetchone()
        return bytes(row[0]) if row else None

    def close(self) -> None:
        """Close the connection."""
        self._db.close()


def write_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes], metadata: dict[str, str]) -> None:
    """Write an MBTiles file of XYZ-addressed tiles (for tests and small exports; real ones come from gdal/QGIS)."""
    db = sqlite3.connect(path)
    try:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        db.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", metadata.items())
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                       [(z, x, (1 << z) - 1 - y, data) for (z, x, y), data in tiles.items()])
        db.commit()
    finally:
        db.close()


def _bounds(text: str | None, path: Path) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError as exc:
        raise GisError(f"basemap MBTiles {path}: metadata bounds {text!r} is not 'west,south,east,north'") from exc
    return (west, south, east, north)
