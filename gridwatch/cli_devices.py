"""CLI commands of the device registry: import a CSV all or nothing, with a report of every problem."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from gridwatch.runtime import open_migrated_store
from gridwatch.settings import load_settings

devices_app = typer.Typer(help="Devices: import the registry from CSV.", no_args_is_help=True)
console = Console()


@devices_app.command("import")
def devices_import(file: Annotated[Path, typer.Argument(help="A .csv of devices (docs/operations.md).")],
                   dry_run: Annotated[bool, typer.Option(help="Check every row; write nothing.")] = False) -> None:
    """Provision or replace the file's devices: all rows or none; problems listed by line and column, exit 1."""
    from gridwatch.devices import import_devices

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        console.print(f"[red]refused:[/] {escape(str(file))}: {escape(str(exc))}")
        raise typer.Exit(2) from None
    rows = max(text.count("\n") - 1, 1)
    store = open_migrated_store(load_settings().effective_store_url)
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True, disable=not console.is_terminal) as progress:
            checking = progress.add_task("checking", total=rows)
            writing = progress.add_task("writing", total=rows, visible=False)
            done = import_devices(store, text, dry_run=dry_run,
                                  on_checked=lambda n: progress.update(checking, completed=n),
                                  on_written=lambda n: progress.update(writing, completed=n, visible=True))
    finally:
        store.close()
    report = done.report
    if not report.ok:
        console.print(f"[red]refused[/] {escape(str(file))}: {len(report.problems)} problems in {report.rows} rows;"
                      " nothing was written")
        for problem in report.problems:
            console.print(f"  {escape(str(problem))}", soft_wrap=True)
        raise typer.Exit(1)
    verb = "checked (dry run, nothing written)" if dry_run else "imported"
    console.print(f"[green]{verb}[/] {report.rows} devices into {store.name}: {done.created} new, "
                  f"{done.updated} replaced")
