"""CLI commands of the camera registry: import CSV or GeoJSON with a report of refused rows, and export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape

from gridwatch.runtime import open_migrated_store
from gridwatch.settings import load_settings

cameras_app = typer.Typer(help="The camera registry: import, export.", no_args_is_help=True)
console = Console()


@cameras_app.command("import")
def cameras_import(file: Annotated[Path, typer.Argument(help="A .csv or .geojson file of cameras.")],
                   replace: Annotated[bool, typer.Option(
                       help="Make the file's good rows the only cameras (the others are removed).")] = False) -> None:
    """Import cameras; refused rows are listed by line (CSV) or feature (GeoJSON) and field; exit 1 if any."""
    from gis.errors import GisError
    from gridwatch.cameras import import_cameras

    settings = load_settings()
    store = open_migrated_store(settings.effective_store_url)
    try:
        report = import_cameras(store, file, policy=settings.url_policy(), replace=replace)
    except GisError as exc:
        console.print(f"[red]refused:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    finally:
        store.close()
    console.print(f"[green]imported[/] {report.written} cameras into {store.name}"
                  + (f"; [red]refused {len(report.refused)} rows[/]:" if report.refused else ""))
    for message in report.refused:
        console.print(f"  {escape(message)}", soft_wrap=True)
    if report.refused:
        raise typer.Exit(1)


@cameras_app.command("export")
def cameras_export(format: Annotated[Literal["csv", "geojson"], typer.Option(
                       "--format", help="csv or geojson.")] = "csv",
                   out: Annotated[Path | None, typer.Option(help="File to write; default: standard output.")] = None
                   ) -> None:
    """Export the registry as CSV or GeoJSON (WGS-84); credentials are never exported."""
    from gridwatch.cameras import export_registry

    store = open_migrated_store(load_settings().effective_store_url)
    try:
        text = export_registry(store, format)
    finally:
        store.close()
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"[green]wrote[/] {out}")
