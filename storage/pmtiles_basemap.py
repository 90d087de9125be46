"""Read a PMTiles v3 file (one file, no server; the operator's exported basemap) through the pmtiles package."""

from __future__ import annotations

import gzip
import mmap
import threading
from pathlib import Path

from pmtiles.reader import Reader
from pmtiles.tile import Compression, TileType

from gis.basemap import BasemapInfo, check_tile_address
from gis.errors import GisError

_FORMATS = {TileType.PNG: "png", TileType.JPEG: "jpg", TileType.WEBP: "webp"}


class PmtilesBasemap:
    """A BasemapSource over a PMTiles file, memory-mapped read-only (reads are thread-safe slices)."""

    def __init__(self, path: Path, *, attribution: str = "") -> None:
        if not path.is_file():
            raise GisError(f"basemap PMTiles {path}: no such file")
        self._file = path.open("rb")
        try:
            self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
            self._reader = Reader(lambda offset, length: self._map[offset:offset + length])
            header = self._reader.header()
            metadata = self._reader.metadata()
        except Exception as exc:  # the package raises bare exceptions and struct errors on a damaged file
            self._file.close()
            raise GisError(f"basemap PMTiles {path}: not a readable PMTiles v3 file ({exc!r})") from exc
        fmt = _FORMATS.get(header["tile_type"])
        if fmt is None:
            self.close()
            raise GisError(f"basemap PMTiles {path}: tile type {header['tile_type'].name} is not a raster png, jpg "
                           "or webp (vector tiles need a style this page does not draw)")
        self._gzipped = header["tile_compression"] == Compression.GZIP
        bounds = (header["min_lon_e7"] / 1e7, header["min_lat_e7"] / 1e7,
                  header["max_lon_e7"] / 1e7, header["max_lat_e7"] / 1e7)
        self._info = BasemapInfo(kind="pmtiles", format=fmt, minzoom=header["min_zoom"], maxzoom=header["max_zoom"],
                                 bounds=bounds if bounds != (0.0, 0.0, 0.0, 0.0) else None,
                                 attribution=attribution or str(metadata.get("attribution", "")))
        self._lock = threading.Lock()

    def info(self) -> BasemapInfo:
        """Return what the file's header says it covers."""
        return self._info

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """Return the tile at XYZ z/x/y, or None."""
        check_tile_address(z, x, y)
        with self._lock:
            data = self._reader.get(z, x, y)
        if data is None:
            return None
        # Raster tiles are rarely gzipped, but the format allows it and a browser will not undo it for an <img>.
        return gzip.decompress(data) if self._gzipped else bytes(data)

    def close(self) -> None:
        """Unmap and close the file."""
        self._map.close()
        self._file.close()
