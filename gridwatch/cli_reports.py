"""`gridwatch report weekly`: the weekly situation report (社会治理形势分析报告) as HTML and PDF files."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from gridwatch.runtime import configured_store
from gridwatch.settings import load_settings
from reports.errors import ReportError
from reports.figures import gather_weekly
from reports.filing import ReportArchive
from reports.weeks import CURRENT, WEEK_HELP, parse_week

report_app = typer.Typer(help="Reports for the joint meeting.", no_args_is_help=True)


class ReportFormat(StrEnum):
    """Which files to write."""

    HTML = "html"
    PDF = "pdf"
    BOTH = "both"


@report_app.command("weekly")
def report_weekly(
        week: Annotated[str, typer.Option(help=WEEK_HELP)] = CURRENT,
        format: Annotated[ReportFormat, typer.Option("--format", help="html, pdf or both.")] = ReportFormat.BOTH,
        out: Annotated[Path | None, typer.Option(
            help="Folder to write <week>.html/.pdf into (default: <data_dir>/reports/weekly, where the job files"
                 " them and the API serves them).")] = None,
) -> None:
    """Write the weekly situation report of an ISO week (Beijing time) with its map and charts."""
    # Made per command: rich fixes a console's width when it is made (see cli_jobs).
    console = Console()
    # Imported here: matplotlib and weasyprint load only for the command that draws.
    from reports.render import render_html, render_pdf

    try:
        chosen = parse_week(week, now=datetime.now(UTC), where="--week")
    except ReportError as exc:
        console.print(f"[red]refused:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    folder = out if out is not None else ReportArchive(load_settings().data_dir / "reports").weekly
    formats = ("html", "pdf") if format is ReportFormat.BOTH else (format.value,)
    written: list[Path] = []
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console, transient=False) as progress:
            task = progress.add_task(f"{chosen.label}: gathering the figures", total=2 + len(formats))
            with configured_store() as store, store.read_only() as uow:
                figures = gather_weekly(uow, week=chosen, now=datetime.now(UTC))  # type: ignore[arg-type]
            progress.update(task, advance=1, description=f"{chosen.label}: drawing the map and charts")
            html = render_html(figures, pdf_href=f"{chosen.label}.pdf" if "pdf" in formats else None)
            progress.advance(task)
            folder.mkdir(parents=True, exist_ok=True)
            if "html" in formats:
                written.append(folder / f"{chosen.label}.html")
                written[-1].write_text(html, encoding="utf-8")
                progress.advance(task)
            if "pdf" in formats:
                progress.update(task, description=f"{chosen.label}: laying out the PDF (A4)")
                written.append(folder / f"{chosen.label}.pdf")
                written[-1].write_bytes(render_pdf(html))
                progress.advance(task)
            progress.update(task, description=f"{chosen.label}: done")
    except ReportError as exc:
        console.print(f"[red]refused:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    span = f"{chosen.since:%Y-%m-%d} to {chosen.days()[-1]:%Y-%m-%d}, Beijing time"
    console.print(f"[green]wrote[/] the weekly report {chosen.label} ({span}, {figures.total.received} received)")
    for path in written:
        console.print(f"  {path}", highlight=False)
