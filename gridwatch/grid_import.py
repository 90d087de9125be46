"""Import a boundary file as a new grid set: read, validate, show what it moves, write it all in one unit of work.

A file with every level replaces the whole set. With --level N the file's grids replace level N only: every other
level of the active set is kept, and the combination is validated as one set (the kept children must still fit
in their new parents, the new grids in their kept parents). Nothing is written when the report has an error, and
the write is one unit of work: the new set, and the grid_code of every device and camera it moves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from gis.errors import GisError
from gis.grid_files import FieldMap, read_grid_file
from gis.grid_report import GridRows, ValidationReport
from gis.grid_validation import validate_grids
from gis.index import GridIndex
from gis.models import Grid, GridSet
from gis.staff_text import staff_from_text
from gridwatch.grid_moves import SHOWN, MoveSummary, what_moves
from storage import Store

logger = logging.getLogger(__name__)

# stage name, done, total: the CLI draws a progress bar from it.
Progress = Callable[[str, int, int], None]


class GridImportError(GisError):
    """The grids changed while the file was being checked; the message says to run the import again."""


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """How to read and check a file: field names, system, layer, the one level it holds, repair, tolerance."""

    fields: FieldMap = field(default_factory=FieldMap)
    crs: str | None = None
    layer: str | None = None
    level: int | None = None
    repair: bool = False
    tolerance_m2: float = 1.0
    note: str = ""
    shown: int = SHOWN


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import found and did: the report, the set it would make, what it moves, and whether it wrote."""

    source: str
    report: ValidationReport
    levels: dict[int, int]
    replaced_level: int | None
    kept: int
    moves: tuple[MoveSummary, ...]
    written: bool
    grid_set: GridSet | None = None

    @property
    def ok(self) -> bool:
        """Return whether nothing blocked the import."""
        return self.report.ok

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready fields (the CLI's --json)."""
        return {
            "source": self.source, "ok": self.ok, "written": self.written,
            "grid_set": None if self.grid_set is None else {"id": self.grid_set.id, "source": self.grid_set.source,
                                                            "grid_count": self.grid_set.grid_count},
            "levels": {str(k): v for k, v in sorted(self.levels.items())}, "replaced_level": self.replaced_level,
            "kept_from_active_set": self.kept, "tolerance_m2": self.report.tolerance_m2,
            "errors": len(self.report.errors), "warnings": len(self.report.warnings),
            "findings": [f.as_dict() for f in self.report.findings], "moves": [m.as_dict() for m in self.moves],
        }


def import_grid_file(store: Store, path: Path, *, options: ImportOptions = ImportOptions(), now: datetime,
                     dry_run: bool = False, progress: Progress | None = None) -> ImportResult:
    """Read, validate and (unless dry_run or refused) write a boundary file as the new active grid set.

    Raises GisError for a file that cannot be read at all; problems of its features come back in the report.
    """
    tick = progress or (lambda stage, done, total: None)
    tick("reading", 0, 1)
    rows = read_grid_file(path, fields=options.fields, crs=options.crs, layer=options.layer, level=options.level)
    tick("reading", 1, 1)
    with store.read_only() as uow:
        active = uow.grids.all()
        revision = uow.grids.revision()
    kept = [g for g in active if options.level is not None and int(g.level) != options.level]
    combined = _with_kept(rows, kept)
    report = validate_grids(combined, tolerance_m2=options.tolerance_m2, repair=options.repair,
                            progress=lambda done, total: tick("validating", done, total))
    levels = {int(k): int(v) for k, v in zip(*np.unique(combined.levels, return_counts=True), strict=True)}
    result = ImportResult(rows.source, report, levels, options.level, len(kept), (), False)
    if not report.ok:
        logger.info("refused %s: %d errors", rows.source, len(report.errors))
        return result
    new_grids = _grids(report.rows)
    old_index, new_index = GridIndex(active), GridIndex(new_grids)
    tick("relocating", 0, 1)
    with store.read_only() as uow:
        moves, _, _ = what_moves(uow, old_index, new_index, shown=options.shown)
    tick("relocating", 1, 1)
    result = replace(result, moves=tuple(moves))
    if dry_run:
        return result
    tick("writing", 0, 1)
    with store.unit_of_work() as uow:
        if uow.grids.revision() != revision:
            raise GridImportError(f"{rows.source}: the grids changed while the file was checked; run the import again")
        # Devices and cameras are read again here, in the writing unit of work, so none moved meanwhile is missed.
        moves, devices, cameras = what_moves(uow, old_index, new_index, shown=options.shown)
        what = f"level {options.level} of {rows.source}" if options.level is not None else rows.source
        grid_set = uow.grids.replace_set(new_grids, source=what, note=options.note, created_at=now)
        uow.devices.upsert_many(devices)
        uow.cameras.upsert_many(cameras)
    tick("writing", 1, 1)
    logger.info("imported %s as grid set %s: %d grids, %d devices and %d cameras moved", rows.source, grid_set.id,
                len(new_grids), len(devices), len(cameras))
    return replace(result, moves=tuple(moves), written=True, grid_set=grid_set)


def _with_kept(rows: GridRows, kept: list[Grid]) -> GridRows:
    """Return the file's rows followed by the grids kept from the active set (row 0: not in the file)."""
    if not kept:
        return rows
    return replace(
        rows,
        codes=rows.codes + [g.code for g in kept],
        names=rows.names + [g.name for g in kept],
        levels=np.concatenate([rows.levels, np.array([int(g.level) for g in kept], dtype=np.int64)]),
        parents=rows.parents + [g.parent_code for g in kept],
        geometries=np.concatenate([rows.geometries, np.array([g.geometry for g in kept], dtype=object)]),
        rows=np.concatenate([rows.rows, np.zeros(len(kept), dtype=rows.rows.dtype)]),
        # Kept grids carry no staff: the store keeps the staff of every code the new set keeps.
        staff=(rows.staff or [""] * len(rows)) + [""] * len(kept),
    )


def _grids(rows: GridRows) -> list[Grid]:
    """Return the grids of validated rows; a grid without staff in the file keeps the staff its code has."""
    return [Grid(code, rows.names[i], int(rows.levels[i]), rows.parents[i], rows.geometries[i],
                 staff_from_text(rows.staff[i] if rows.staff else "", where=f"row {int(rows.rows[i])}"))
            for i, code in enumerate(rows.codes)]
