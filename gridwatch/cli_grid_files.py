"""`gridwatch grids import` and `gridwatch grids export`: boundary files in and out, with the validation report."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:
    from gis.grid_report import ValidationReport
    from gis.models import Grid
    from gridwatch.grid_moves import MoveSummary
    from storage.contract import UnitOfWork

console = Console()
MAX_ROWS = 200


def register(grids_app: typer.Typer) -> None:
    """Add the import and export commands to the grids group."""
    grids_app.command("import")(grids_import)
    grids_app.command("export")(grids_export)


def grids_import(
    file: Annotated[Path, typer.Argument(help="A .geojson, a zipped Shapefile (.zip) or a GeoPackage (.gpkg).")],
    level: Annotated[int | None, typer.Option(
        help="The file holds this one level: replace it, keep the others.")] = None,
    crs: Annotated[str | None, typer.Option(
        help="The file's system when it declares none (or a wrong one): EPSG:4490, EPSG:4528, wgs84, cgcs2000, "
             "gcj02, bd09.")] = None,
    code_field: Annotated[str, typer.Option(help="Field holding the grid code.")] = "code",
    name_field: Annotated[str, typer.Option(help="Field holding the grid name.")] = "name",
    parent_field: Annotated[str, typer.Option(help="Field holding the parent's code.")] = "parent_code",
    level_field: Annotated[str, typer.Option(help="Field holding the level (1 = coarsest).")] = "level",
    layer: Annotated[str | None, typer.Option(help="Layer to read from a GeoPackage with several.")] = None,
    repair: Annotated[bool, typer.Option(help="Repair invalid geometries (make_valid, polygonal parts).")] = False,
    tolerance_m2: Annotated[float, typer.Option(
        help="Gaps, overlaps and overhangs up to this area (m²) are allowed.")] = 1.0,
    note: Annotated[str, typer.Option(help="A note kept with the new grid set.")] = "",
    dry_run: Annotated[bool, typer.Option(help="Validate and show what would move; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON document.")] = False,
) -> None:
    """Validate a boundary file and make it the active grid set (the previous set is kept); errors write nothing."""
    from gis.errors import GisError
    from gis.grid_files import FieldMap
    from gridwatch.grid_import import ImportOptions, import_grid_file
    from gridwatch.runtime import open_migrated_store
    from gridwatch.settings import load_settings

    if tolerance_m2 < 0:
        _refuse(f"--tolerance-m2 {tolerance_m2}: must not be negative", as_json)
    options = ImportOptions(FieldMap(code_field, name_field, parent_field, level_field), crs, layer, level, repair,
                            tolerance_m2, note)
    store = open_migrated_store(load_settings().effective_store_url)
    try:
        with ImportProgress(quiet=as_json) as progress:
            result = import_grid_file(store, file, options=options, now=datetime.now(UTC), dry_run=dry_run,
                                      progress=progress.tick)
    except GisError as exc:
        _refuse(f"{exc}; nothing was written", as_json)
    finally:
        store.close()
    if as_json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        _print_findings(result.report)
        _print_moves(result.moves)
        levels = ", ".join(f"level {k}: {v}" for k, v in sorted(result.levels.items()))
        if not result.ok:
            console.print(f"[red]refused[/] {escape(result.source)}: {len(result.report.errors)} errors; "
                          "nothing was written")
        elif not result.written:
            console.print(f"[green]checked[/] {escape(result.source)} (dry run, nothing written): {levels}")
        else:
            console.print(f"[green]imported[/] {escape(result.source)} as grid set {result.grid_set.id}: {levels}"
                          + (f" ({result.kept} kept from the previous set)" if result.kept else ""))
    if not result.ok:
        raise typer.Exit(1)


def grids_export(
    fmt: Annotated[str, typer.Option("--format", help="geojson, gpkg or shp (a zipped Shapefile).")],
    out: Annotated[Path, typer.Option(help="The file to write.")],
    level: Annotated[int | None, typer.Option(help="Only this level.")] = None,
    set_id: Annotated[int | None, typer.Option("--set", help="An earlier grid set (default: the active one).")] = None,
) -> None:
    """Write the active (or an earlier) grid set to GeoJSON, GeoPackage or a zipped Shapefile."""
    from gis.errors import GisError
    from gis.grid_export import export_grids
    from gridwatch.runtime import open_migrated_store
    from gridwatch.settings import load_settings

    store = open_migrated_store(load_settings().effective_store_url)
    try:
        with store.read_only() as uow:
            grids, chosen = _set_grids(uow, set_id)
        count = export_grids(grids, fmt=fmt, out=out, set_id=chosen, level=level)
    except GisError as exc:
        _refuse(str(exc), False)
    finally:
        store.close()
    console.print(f"[green]wrote[/] {count} grids to {escape(str(out))}")


def _set_grids(uow: UnitOfWork, set_id: int | None) -> tuple[list[Grid], int | None]:
    """Return the grids of the set asked for (the active one by default) and its id."""
    from gis.errors import GisError

    try:
        sets = uow.grids.sets()
    except NotImplementedError:  # a store without grid sets yet: its grids are the one set
        sets = []
    if set_id is None:
        return uow.grids.all(), (sets[0].id if sets else None)
    if set_id not in {s.id for s in sets}:
        raise GisError(f"--set {set_id}: no such grid set; the sets are {', '.join(str(s.id) for s in sets) or 'none'}")
    return uow.grids.set_grids(set_id), set_id


def _refuse(message: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"ok": False, "written": False, "error": message}, ensure_ascii=False))
    else:
        console.print(f"[red]refused:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(1)


class ImportProgress:
    """A rich progress bar per stage (reading, validating, relocating, writing) while an import runs."""

    def __init__(self, *, quiet: bool) -> None:
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                            transient=True, disable=quiet or not console.is_terminal)
        self.tasks: dict[str, TaskID] = {}

    def tick(self, stage: str, done: int, total: int) -> None:
        """Show how far a stage is."""
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def __enter__(self) -> ImportProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


def _print_findings(report: ValidationReport) -> None:
    if not report.findings:
        console.print(f"[green]no findings[/] (tolerance {report.tolerance_m2:g} m²)")
        return
    table = Table(title=f"validation: {len(report.errors)} errors, {len(report.warnings)} warnings "
                        f"(tolerance {report.tolerance_m2:g} m²)")
    for column in ("", "kind", "row", "code", "lon, lat", "m²", "what"):
        table.add_column(column, overflow="fold")
    ordered = report.errors + report.warnings
    for f in ordered[:MAX_ROWS]:
        colour = "red" if f.severity == "error" else "yellow"
        where = f"{f.lon:.6f}, {f.lat:.6f}" if f.lon is not None and f.lat is not None else ""
        table.add_row(f"[{colour}]{f.severity}[/]", f.kind, str(f.row) if f.row else "kept" if f.code else "",
                      escape(f.code), where, "" if f.area_m2 is None else f"{f.area_m2:,.2f}", escape(f.message))
    console.print(table)
    if len(ordered) > MAX_ROWS:
        console.print(f"… and {len(ordered) - MAX_ROWS} more findings (use --json for all)")


def _print_moves(moves: Sequence[MoveSummary]) -> None:
    if not moves:
        return
    table = Table(title="what the new set moves")
    for column in ("", "located", "change grid", "their grid", "first ones (id: old → new)"):
        table.add_column(column, overflow="fold")
    for m in moves:
        shown = "; ".join(f"{escape(x.id)}: {x.old_grid or 'outside'} → {x.new_grid or 'outside'}" for x in m.examples)
        table.add_row(m.kind, str(m.total), str(m.moved), "follows the new set" if m.follows_new_set else "kept",
                      shown)
    console.print(table)
