"""The gridwatch command: demo, serve, ingest, db upgrade, town generate/load."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from gridwatch.cli_access import apikeys_app, audit_app, users_app
from gridwatch.cli_assessment import assessment_command
from gridwatch.cli_calendar import calendar_app
from gridwatch.cli_cameras import cameras_app
from gridwatch.cli_classifier import classifier_app
from gridwatch.cli_devices import devices_app
from gridwatch.cli_grids import grids_app
from gridwatch.cli_jobs import jobs_app
from gridwatch.cli_reports import report_app
from gridwatch.cli_roads import roads_app
from gridwatch.logs import configure_logging
from gridwatch.settings import Settings, load_settings

app = typer.Typer(help="gridwatch: the command room of a town's four platforms.", no_args_is_help=True,
                  pretty_exceptions_show_locals=False)
db_app = typer.Typer(help="The store's schema.", no_args_is_help=True)
town_app = typer.Typer(help="Town data: grids, sensors, cameras, teams.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(town_app, name="town")
app.add_typer(users_app, name="users")
app.add_typer(apikeys_app, name="apikeys")
app.add_typer(audit_app, name="audit")
app.add_typer(jobs_app, name="jobs")
app.add_typer(cameras_app, name="cameras")
app.add_typer(devices_app, name="devices")
app.add_typer(grids_app, name="grids")
app.add_typer(calendar_app, name="calendar")
app.add_typer(classifier_app, name="classifier")
app.command("assessment")(assessment_command)
app.add_typer(roads_app, name="roads")
app.add_typer(report_app, name="report")
console = Console()


def _settings(verbose: bool = False) -> Settings:
    configure_logging(verbose=verbose, console=console)
    return load_settings()


Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log debug detail.")]


@app.command()
def demo(port: Annotated[int | None, typer.Option(
             help="HTTP port; 0 picks a free one.  [default: the port of GRIDWATCH_HTTP_BIND, 8000]")] = None,
         seed: Annotated[int | None, typer.Option(help="Seed of the synthetic town.")] = None,
         fresh: Annotated[bool, typer.Option(help="Start from an empty store.")] = False,
         verbose: Verbose = False) -> None:
    """Run everything on this machine: embedded store and broker, a simulated town, the API and the map."""
    from gridwatch.demo import run_demo

    settings = _settings(verbose)
    run_demo(settings, port=settings.http_port if port is None else port, seed=settings.town_seed if seed is None else seed, fresh=fresh, console=console)


@app.command()
def serve(ingest: Annotated[bool, typer.Option(help="Also run the MQTT ingest in this process.")] = False,
          verbose: Verbose = False) -> None:
    """Serve the API and the command-room page (GRIDWATCH_HTTP_BIND)."""
    from gridwatch.runtime import run_services

    run_services(_settings(verbose), http=True, ingest=ingest)


@app.command()
def ingest(verbose: Verbose = False) -> None:
    """Run the MQTT ingest worker (GRIDWATCH_MQTT_URL) until Ctrl-C."""
    from gridwatch.runtime import run_services

    run_services(_settings(verbose), http=False, ingest=True)


@app.command()
def worker(verbose: Verbose = False) -> None:
    """Run the periodic jobs (retention) and the worker-process pool until Ctrl-C."""
    from gridwatch.worker import run_worker

    run_worker(_settings(verbose))


@db_app.command("upgrade")
def db_upgrade(verbose: Verbose = False) -> None:
    """Apply pending migrations to the store (GRIDWATCH_STORE_URL)."""
    from storage import open_store

    settings = _settings(verbose)
    store = open_store(settings.effective_store_url)
    try:
        applied = store.migrate()
    finally:
        store.close()
    console.print(f"[green]store {store.name}:[/] " + (f"applied {', '.join(applied)}" if applied else "up to date"))


@db_app.command("grant-app-role")
def db_grant_app_role(role: Annotated[str, typer.Argument(help="The PostgreSQL role the app logs in as.")],
                      verbose: Verbose = False) -> None:
    """Grant a PostgreSQL role what the app needs: everything but changing or deleting the audit log."""
    from storage import open_store

    settings = _settings(verbose)
    store = open_store(settings.effective_store_url)
    try:
        if not hasattr(store, "grant_app_role"):
            console.print("[red]only the PostGIS store has database roles[/]")
            raise typer.Exit(2)
        store.grant_app_role(role)
    finally:
        store.close()
    console.print(f"[green]granted[/] {role}: read/write on operational tables, insert-only on the audit log")


@town_app.command("generate")
def town_generate(out: Annotated[Path, typer.Option(help="Folder to write the town files into.")],
                  seed: Annotated[int, typer.Option(help="Same seed, same town.")] = 7) -> None:
    """Generate the synthetic town as GeoJSON and CSV files you could replace with your own."""
    from town.files import write_town
    from town.generate import generate_town

    with console.status(f"generating town (seed {seed})"):
        town = generate_town(seed)
        paths = write_town(town, out)
    console.print(f"[green]wrote[/] {len(town.grids)} grids, {len(town.devices)} sensors, "
                  f"{len(town.cameras)} cameras, {len(town.teams)} teams")
    for path in paths:
        console.print(f"  {path}")


@town_app.command("load")
def town_load(folder: Annotated[Path, typer.Argument(help="Folder with grids.geojson, sensors.csv, cameras.csv, teams.csv.")],
              replace: Annotated[bool, typer.Option(
                  help="Replace the store's town (grids, sensors, cameras, teams) by another; cases are kept.")] = False,
              verbose: Verbose = False) -> None:
    """Validate a town folder and load it into the store (GRIDWATCH_STORE_URL); another town needs --replace."""
    from gis.errors import GisError
    from gridwatch.runtime import open_migrated_store
    from gridwatch.towns import load_town_dir

    settings = _settings(verbose)
    store = open_migrated_store(settings.effective_store_url)
    try:
        with console.status(f"loading {folder}"):
            counts = load_town_dir(store, folder, replace=replace, policy=settings.url_policy())
    except GisError as exc:
        console.print(f"[red]refused:[/] {exc}")
        raise typer.Exit(2) from None
    finally:
        store.close()
    console.print("[green]loaded[/] " + ", ".join(f"{n} {k}" for k, n in counts.items()) + f" into {store.name}")
