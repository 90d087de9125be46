"""Open the operator's local basemap (GRIDWATCH_BASEMAP) with the reader its kind needs, once at start-up."""

from __future__ import annotations

import logging
from pathlib import Path

from gis.basemap import BasemapSource, FolderBasemap
from gis.errors import GisError

logger = logging.getLogger(__name__)


def open_basemap(path: Path | None, *, attribution: str = "") -> BasemapSource | None:
    """Return the basemap at path (a {z}/{x}/{y} folder, an .mbtiles or a .pmtiles file), or None when unset.

    A path that is set but cannot be read raises GisError: the operator asked for a basemap and should hear why
    there is none, not find a blank map.
    """
    if path is None or not str(path).strip():
        return None
    path = Path(path).expanduser()
    if path.is_dir():
        source: BasemapSource = FolderBasemap(path, attribution=attribution)
    elif path.suffix.lower() == ".mbtiles":
        from storage.sqlite.mbtiles import MbtilesBasemap

        source = MbtilesBasemap(path, attribution=attribution)
    elif path.suffix.lower() == ".pmtiles":
        from storage.pmtiles_basemap import PmtilesBasemap

        source = PmtilesBasemap(path, attribution=attribution)
    else:
        raise GisError(f"GRIDWATCH_BASEMAP {path}: not a folder, an .mbtiles or a .pmtiles file")
    info = source.info()
    logger.info("basemap %s: %s %s tiles, zoom %d-%d", path, info.kind, info.format, info.minzoom, info.maxzoom)
    return source
