"""CLI commands for the periodic jobs: what ran last, where, and how it ended."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from gridwatch.runtime import open_migrated_store
from gridwatch.settings import load_settings
from jobs.models import JobOutcome

jobs_app = typer.Typer(help="Periodic jobs (retention, index refresh) and their last runs.", no_args_is_help=True)

_STYLE = {JobOutcome.OK: "green", JobOutcome.FAILED: "red", JobOutcome.TIMEOUT: "red", JobOutcome.RUNNING: "yellow"}


@jobs_app.command("list")
def jobs_list() -> None:
    """Show the last run of each job, read from the store."""
    # Made per command, not at import: rich fixes a console's width from COLUMNS when it is made, and the
    # terminal (or COLUMNS) of the moment is the one the table must fit.
    console = Console()
    store = open_migrated_store(load_settings().effective_store_url)
    try:
        with store.unit_of_work() as uow:
            runs = uow.job_runs.latest()
    finally:
        store.close()
    if not runs:
        console.print("no job has run yet (is `gridwatch worker` running?)")
        return
    table = Table("job", "period", "started", "finished", "outcome", "runner", "detail")
    for run in runs:
        style = _STYLE[run.outcome]
        table.add_row(run.job, str(run.period), run.started_at.isoformat(timespec="seconds"),
                      run.finished_at.isoformat(timespec="seconds") if run.finished_at else "",
                      f"[{style}]{run.outcome}[/]", run.runner, run.detail)
    console.print(table)
