"""The operator's local basemap: the port every tile source implements, and the reader of a {z}/{x}/{y} folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from gis.errors import GisError

# Web Mercator's zoom levels a raster basemap may carry (deeper than building scale is nobody's export).
MAX_ZOOM = 24
FORMATS = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
# The format word of each image's first bytes, for sources that do not say it (MBTiles without metadata).
_MAGIC = ((b"\x89PNG", "png"), (b"\xff\xd8\xff", "jpg"), (b"RIFF", "webp"))


@dataclass(frozen=True)
class BasemapInfo:
    """What a basemap covers: its image format, zooms, bounds (w, s, e, n in WGS 84 degrees) and attribution."""

    kind: str  # "folder" | "mbtiles" | "pmtiles"
    format: str  # "png" | "jpg" | "webp"
    minzoom: int
    maxzoom: int
    bounds: tuple[float, float, float, float] | None
    attribution: str

    @property
    def media_type(self) -> str:
        """Return the Content-Type of this basemap's tiles."""
        return FORMATS.get(self.format, "application/octet-stream")


class BasemapSource(Protocol):
    """A read-only source of raster tiles addressed as XYZ (y counted from the north, as Leaflet does)."""

    def info(self) -> BasemapInfo:
        """Return what the basemap covers."""
        ...

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """Return the tile's bytes, or None when the source has no such tile."""
        ...

    def close(self) -> None:
        """Release the file or connection behind the source."""
        ...


def check_tile_address(z: int, x: int, y: int) -> None:
    """Raise GisError unless z/x/y address a tile of the XYZ pyramid (0 <= x, y < 2**z, 0 <= z <= MAX_ZOOM)."""
    if not 0 <= z <= MAX_ZOOM:
        raise GisError(f"basemap tile z={z}: the zoom must be between 0 and {MAX_ZOOM}")
    side = 1 << z
    for name, value in (("x", x), ("y", y)):
        if not 0 <= value < side:
            raise GisError(f"basemap tile {name}={value}: at zoom {z} it must be between 0 and {side - 1}")


def format_of(data: bytes) -> str | None:
    """Return the image format word of a tile's bytes (png, jpg, webp), or None if it is none of them."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


class FolderBasemap:
    """Tiles stored as files {z}/{x}/{y}.{png,jpg,jpeg,webp} under one folder (an export of gdal2tiles, QGIS...)."""

    def __init__(self, root: Path, *, attribution: str = "") -> None:
        self.root = root.resolve()
        if not self.root.is_dir():
            raise GisError(f"basemap folder {root}: not a folder")
        zooms = sorted(int(p.name) for p in self.root.iterdir() if p.is_dir() and p.name.isdigit())
        if not zooms:
            raise GisError(f"basemap folder {root}: no zoom folders ({{z}}/{{x}}/{{y}}.png|jpg|webp) inside")
        self._format = self._first_format(zooms[0])
        self._info = BasemapInfo(kind="folder", format=self._format, minzoom=zooms[0], maxzoom=zooms[-1],
                                 bounds=None, attribution=attribution)

    def _first_format(self, zoom: int) -> str:
        for path in (self.root / str(zoom)).glob("*/*"):
            suffix = path.suffix.lower().lstrip(".")
            if suffix in FORMATS:
                return "jpg" if suffix == "jpeg" else suffix
        raise GisError(f"basemap folder {self.root}: zoom {zoom} holds no .png, .jpg, .jpeg or .webp tile")

    def info(self) -> BasemapInfo:
        """Return what the folder covers (bounds unknown: a folder carries no metadata)."""
        return self._info

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """Return the file's bytes at z/x/y in any of the image extensions, or None."""
        check_tile_address(z, x, y)
        folder = self.root / str(z) / str(x)
        for suffix in (self._format, *(s for s in FORMATS if s != self._format)):
            path = folder / f"{y}.{suffix}"
            if path.is_file():
                return path.read_bytes()
        return None

    def close(self) -> None:
        """Nothing to release: each tile is a file read whole."""
