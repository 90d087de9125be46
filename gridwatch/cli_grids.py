"""`gridwatch grids …`: the grid hierarchy, its staff, and boundary files in and out."""

from __future__ import annotations

import typer

grids_app = typer.Typer(help="Grids: the hierarchy and its staff, boundary files in and out.", no_args_is_help=True)

from gridwatch.cli_grid_files import register; register(grids_app)  # noqa: E402,E702  import/export of boundary files
