"""`gridwatch assessment`: the assessment (考核) of a period as a table, or as the API's CSV in a file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cases.assessment import AssessBy
from cases.assessment_report import NamedRow, assess, assessment_csv
from cases.periods import PERIOD_HELP, PeriodError, parse_period
from gis.zone import CHINA_TZ
from gridwatch.runtime import configured_store

console = Console()


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _table(rows: list[NamedRow], title: str) -> Table:
    table = Table(title=title)
    for header in ("group", "name", "received 受理", "closed 办结", "handed off", "closure 办结率", "on time 按时率",
                   "avg wh", "p90 wh", "satisfaction 满意度"):
        table.add_column(header, justify="left" if header in ("group", "name") else "right")
    for named in rows:
        r = named.row
        table.add_row(r.group or "—", named.name, str(r.received), str(r.closed), str(r.handed_off),
                      _percent(r.closure_rate), f"{_percent(r.on_time_rate)} of {r.timed}",
                      _number(r.avg_handling_wh), _number(r.p90_handling_wh),
                      f"{_number(r.satisfaction_avg, 2)} ({r.rated})")
    return table


def assessment_command(
        period: Annotated[str, typer.Option(help=PERIOD_HELP)] = "this_month",
        by: Annotated[AssessBy, typer.Option(help="What each row is.")] = AssessBy.PLATFORM,
        grid_level: Annotated[int | None, typer.Option(min=1, help="By grid: the grids of this depth (1 = town).")
                              ] = None,
        csv: Annotated[Path | None, typer.Option("--csv", help="Write the CSV the API exports to this file.")] = None,
) -> None:
    """Show received, closed, closure and on-time rates, handling hours and satisfaction per group of a period."""
    try:
        since, until = parse_period(period, now=datetime.now(CHINA_TZ), where="--period")
    except PeriodError as exc:
        console.print(f"[red]refused:[/] {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    if grid_level is not None and by is not AssessBy.GRID:
        console.print(f"[red]refused:[/] --grid-level: only with --by grid, not --by {by}")
        raise typer.Exit(1)
    with configured_store() as store, store.read_only() as uow:
        rows = assess(assessment=uow.assessment, grids=uow.grids, teams=uow.teams, since=since, until=until, by=by,
                      grid_level=grid_level)
    if csv is not None:
        csv.write_text(assessment_csv(rows), encoding="utf-8", newline="")
        console.print(f"wrote {len(rows)} rows to {csv}")
        return
    span = f"from {since:%Y-%m-%d} to before {until:%Y-%m-%d}, Beijing time"
    console.print(_table(rows, f"Assessment {period} ({span}) by {by}"))
