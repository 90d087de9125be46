"""`gridwatch grids …`: the grid hierarchy, its staff, and boundary files in and out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gis.errors import GisError
from gis.grid_edits import assign_staff, edit_grid, grid_or_error
from gis.models import Grid, GridStaff, StaffRole
from gridwatch.runtime import configured_store
from gridwatch.zone import beijing_time

grids_app = typer.Typer(help="Grids: the hierarchy and its staff, boundary files in and out.", no_args_is_help=True)
console = Console()
T = TypeVar("T")


def _refusing(action: Callable[[], T]) -> T:
    """Run action; a grid that is not there or an edit that does not fit prints the reason and exits 1."""
    try:
        return action()
    except GisError as exc:
        console.print(f"[red]refused:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None


def _people(grid: Grid) -> str:
    return ", ".join(f"{person.name} ({person.role})" for person in grid.staff) or "-"


@grids_app.command("list")
def grids_list(level: Annotated[int | None, typer.Option(min=1, help="Only this level (1 the coarsest).")] = None,
               parent: Annotated[str | None, typer.Option(help="Only the grids under this code.")] = None) -> None:
    """List the active set's grids by level and code, with their staff."""
    with configured_store() as store, store.read_only() as uow:
        total = uow.grids.count(level=level, parent_code=parent)
        grids = uow.grids.list(level=level, parent_code=parent, limit=total) if total else []
    table = Table("code", "name", "level", "parent", "staff", title=f"{len(grids)} grids")
    for grid in sorted(grids, key=lambda g: (g.level, g.code)):
        table.add_row(grid.code, escape(grid.name), str(grid.level), grid.parent_code or "-", escape(_people(grid)))
    console.print(table)


@grids_app.command("show")
def grids_show(code: Annotated[str, typer.Argument(help="The grid's code.")]) -> None:
    """Show one grid: name, level, parent, the grids just under it, and its staff with phones."""
    with configured_store() as store, store.read_only() as uow:
        grid = _refusing(lambda: grid_or_error(uow.grids, code))
        children = uow.grids.count(parent_code=code)
        codes = [g.code for g in uow.grids.list(parent_code=code, limit=children)] if children else []
    console.print(f"[bold]{grid.code}[/] {escape(grid.name)}  level {grid.level}  parent {grid.parent_code or '-'}")
    console.print(f"children: {', '.join(codes) or '-'}", soft_wrap=True)
    table = Table("role", "name", "phone", "username", title="staff")
    for person in grid.staff:
        table.add_row(str(person.role), escape(person.name), person.phone or "-", person.username or "-")
    console.print(table)


@grids_app.command("rename")
def grids_rename(code: Annotated[str, typer.Argument(help="The grid's code.")],
                 name: Annotated[str, typer.Argument(help="Its new name.")]) -> None:
    """Rename a grid (its boundary changes only by importing a new grid set)."""
    with configured_store() as store, store.unit_of_work() as uow:
        old = _refusing(lambda: grid_or_error(uow.grids, code)).name
        grid = _refusing(lambda: edit_grid(grids=uow.grids, code=code, name=name))
    console.print(f"[green]renamed[/] {grid.code}: {escape(old)} → {escape(grid.name)}")


@grids_app.command("staff")
def grids_staff(code: Annotated[str, typer.Argument(help="The grid's code.")],
                head: Annotated[str | None, typer.Option(help="The grid head (网格长).")] = None,
                member: Annotated[list[str] | None, typer.Option(help="A grid member (网格员); repeat for each.")]
                = None,
                inspector: Annotated[str | None, typer.Option(help="The inspector (巡查员).")] = None,
                phone: Annotated[list[str] | None, typer.Option(
                    help="Phones in the order of the people: head, members, inspector; repeat for each.")] = None,
                clear: Annotated[bool, typer.Option(help="Remove every person from the grid.")] = False) -> None:
    """Make these people the grid's staff ("one head, two members" and an inspector), replacing the old list."""
    people = [(StaffRole.HEAD, head)] if head else []
    people += [(StaffRole.MEMBER, name) for name in member or []]
    people += [(StaffRole.INSPECTOR, inspector)] if inspector else []
    phones = list(phone or [])
    if not people and not clear:
        console.print("[red]refused:[/] name at least one person (--head, --member, --inspector), or --clear")
        raise typer.Exit(1)
    if people and clear:
        console.print("[red]refused:[/] --clear removes everyone; do not name people with it")
        raise typer.Exit(1)
    if len(phones) > len(people):
        console.print(f"[red]refused:[/] {len(phones)} phones for {len(people)} people")
        raise typer.Exit(1)
    staff = [GridStaff(role, name.strip(), phones[i].strip() if i < len(phones) else "")
             for i, (role, name) in enumerate(people)]
    with configured_store() as store, store.unit_of_work() as uow:
        grid = _refusing(lambda: assign_staff(grids=uow.grids, code=code, staff=staff))
    console.print(f"[green]staff of {grid.code} {escape(grid.name)}:[/] {escape(_people(grid))}")


@grids_app.command("sets")
def grids_sets() -> None:
    """List the grid sets, newest (the active one) first; earlier sets are kept when a new one is imported."""
    with configured_store() as store, store.read_only() as uow:
        sets = uow.grids.sets()
    table = Table("id", "created", "source", "note", "grids", "active", title=f"{len(sets)} grid sets")
    for grid_set in sets:
        table.add_row(str(grid_set.id), beijing_time(grid_set.created_at),
                      escape(grid_set.source), escape(grid_set.note), str(grid_set.grid_count),
                      "yes" if grid_set.active else "")
    console.print(table)


from gridwatch.cli_grid_files import register; register(grids_app)  # noqa: E402,E702  import/export of boundary files
