"""Use cases of the camera registry: import a file row by row, export the registry."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from gis.index import GridIndex
from gridwatch.towns import with_grid_codes
from storage import Store
from town.camera_files import export_cameras, read_camera_file
from video.urls import UrlPolicy

logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    """How an import went: rows written, and one message per refused row (line or feature, and field)."""

    written: int = 0
    refused: list[str] = field(default_factory=list)


def import_cameras(store: Store, path: Path, *, policy: UrlPolicy, replace: bool = False) -> ImportReport:
    """Validate every row of a camera CSV or GeoJSON file and write the good ones in one transaction.

    A bad row never costs a good one. With replace, the good rows become the only cameras; the ones kept keep
    their stored logins and health. Each camera's grid_code is set from the store's grids.
    """
    found = read_camera_file(path, policy)
    credentials = {row.camera.id: row.credentials for row in found.rows if row.credentials is not None}
    with store.unit_of_work() as uow:
        cameras = with_grid_codes([row.camera for row in found.rows], GridIndex(uow.grids.all()))
        if replace:
            written = uow.cameras.replace_all(cameras, credentials)
        else:
            written = uow.cameras.upsert_many(cameras, credentials)
    logger.info("cameras imported", extra={"file": path.name, "written": written, "refused": len(found.refused),
                                           "with_credentials": len(credentials)})
    return ImportReport(written=written, refused=found.refused)


def export_registry(store: Store, fmt: str) -> str:
    """Return every camera as CSV or GeoJSON text; credentials are never part of it."""
    with store.read_only() as uow:
        cameras = uow.cameras.all()
    return export_cameras(cameras, fmt)
