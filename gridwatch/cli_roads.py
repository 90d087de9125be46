"""CLI commands for the road network dispatch ranks teams by: check a file, put it where start-up loads it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from gis.roads import RoadError, RoadNetwork
from gridwatch.dispatch_offers import ROADS_FILE, load_roads
from gridwatch.settings import load_settings

roads_app = typer.Typer(help="The road network: travel-time dispatch and the ETA of teams.", no_args_is_help=True)
console = Console()


def _checked(file: Path) -> RoadNetwork:
    try:
        roads = load_roads(file)
    except RoadError as exc:
        console.print(f"[red]refused:[/] {exc}")
        raise typer.Exit(1) from exc
    edges = roads.graph.number_of_edges()
    joined = "one connected network" if roads.connected() else "[yellow]not connected[/]: some teams reach some " \
        "cases only off road"
    console.print(f"{file}: {len(roads)} nodes, {edges} directed edges, {joined}")
    return roads


@roads_app.command("check")
def roads_check(file: Annotated[Path, typer.Argument(help="GeoJSON FeatureCollection of WGS-84 road lines.")]) -> None:
    """Check a road file feature by feature and say how big and how connected its network is."""
    _checked(file)


@roads_app.command("load")
def roads_load(file: Annotated[Path, typer.Argument(help="GeoJSON FeatureCollection of WGS-84 road lines.")]) -> None:
    """Check a road file and copy it where start-up loads it (GRIDWATCH_ROADS_FILE or DATA_DIR/town/roads.geojson)."""
    _checked(file)
    settings = load_settings()
    target = settings.roads_file or settings.data_dir / "town" / ROADS_FILE
    if target.resolve() != file.resolve():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    console.print(f"[green]roads in {target}[/]; restart serve, ingest and worker to dispatch by them")
