"""CLI commands for the working calendar: load a year's holiday schedule, show a year, check coverage."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cases.workdays import (
    CalendarError, ScheduleInvalid, WorkingCalendar, calendar_from_store, check_schedule, coverage, format_of,
    load_schedule, read_schedule_text, source_of,
)
from gis.zone import CHINA_TZ
from gridwatch.runtime import open_migrated_store
from gridwatch.settings import load_settings

calendar_app = typer.Typer(help="The working calendar: holiday schedules that deadlines count working days by.",
                           no_args_is_help=True)
console = Console()

_KIND_STYLE = {"holiday": "red", "makeup_workday": "yellow"}


def _today() -> datetime:
    return datetime.now(CHINA_TZ)


@calendar_app.command("load")
def calendar_load(file: Annotated[Path, typer.Argument(help="CSV (date,kind,name) or YAML (days: [{date, kind, name}]).")],
                  year: Annotated[int | None, typer.Option(help="The year the file is for; every date must be in it. "
                                                                "Default: the year of its first date.")] = None,
                  note: Annotated[str, typer.Option(help="Where the schedule comes from (the notice's number).")] = "",
                  dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file, write nothing.")] = False,
                  ) -> None:
    """Check a year's holiday schedule line by line and load it, replacing that year's; all or nothing."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        console.print(f"[red]refused:[/] {file}: cannot read it as UTF-8 text ({exc})")
        raise typer.Exit(1) from None
    try:
        lines, file_note = read_schedule_text(text, fmt=format_of(file.name))
        schedule = check_schedule(lines, year=year, origin=file.name, note=note or file_note, where=str(file))
    except ScheduleInvalid as exc:
        console.print(f"[red]refused {file}[/] ({len(exc.problems)} problems, nothing written):")
        for problem in exc.problems:
            console.print(f"  {problem}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    holidays = sum(1 for d in schedule.days if d.kind == "holiday")
    summary = f"{schedule.year}: {holidays} holidays, {len(schedule.days) - holidays} make-up workdays"
    if dry_run:
        console.print(f"[green]checked[/] {summary} (dry run: nothing written)")
        return
    store = open_migrated_store(load_settings().effective_store_url)
    try:
        with store.unit_of_work() as uow:
            load_schedule(repo=uow.work_calendar, schedule=schedule, loaded_at=datetime.now(UTC),
                          loaded_by=f"cli:{getpass.getuser()}")
    finally:
        store.close()
    console.print(f"[green]loaded[/] {summary} into {store.name}")


@calendar_app.command("show")
def calendar_show(year: Annotated[int | None, typer.Option(help="Default: this year (Beijing).")] = None) -> None:
    """Show a year's holidays and make-up workdays, and where they come from."""
    year = _today().year if year is None else year
    calendar = _calendar()
    try:
        schedule = calendar.schedule(year)
    except CalendarError as exc:
        console.print(f"[red]refused:[/] {exc}")
        raise typer.Exit(1) from None
    origin = f" ({schedule.origin}, loaded {schedule.loaded_at:%Y-%m-%d} by {schedule.loaded_by})" \
        if schedule.loaded_at else ""
    console.print(f"{year}: source [bold]{schedule.source}[/]{origin}", highlight=False)
    if schedule.fallback:
        console.print(f"[yellow]no holiday schedule for {year}: Monday to Friday are taken as working days; "
                      f"load the State Council's notice with `gridwatch calendar load`[/]")
        return
    table = Table("date", "weekday", "kind", "name")
    for special in schedule.days:
        kind = calendar.day_kind(special.day)
        table.add_row(special.day.isoformat(), f"{special.day:%a}", f"[{_KIND_STYLE.get(kind, 'white')}]{kind}[/]",
                      special.name)
    console.print(table)


@calendar_app.command("check")
def calendar_check() -> None:
    """Show which years around today have a schedule; exit 1 when one deadlines need now has none."""
    settings = load_settings()
    today = _today().date()
    store = open_migrated_store(settings.effective_store_url)
    try:
        with store.read_only() as uow:
            loaded = uow.work_calendar.loaded_years()
    finally:
        store.close()
    needed = coverage(loaded, today, warn_days=settings.calendar.warn_days)
    table = Table("year", "source", "needed now")
    for year in range(today.year - 1, today.year + 3):
        source = source_of(year, loaded)
        style = "red" if year in needed.uncovered else "white"
        table.add_row(str(year), f"[{style}]{source}[/]", "yes" if year in needed.sources else "")
    console.print(table)
    if needed.uncovered:
        console.print(f"[red]fallback:[/] no holiday schedule for {', '.join(map(str, needed.uncovered))}; "
                      "load it with `gridwatch calendar load FILE`")
        raise typer.Exit(1)
    console.print("[green]ok:[/] every year deadlines need now has a schedule")


def _calendar() -> WorkingCalendar:
    settings = load_settings()
    store = open_migrated_store(settings.effective_store_url)
    try:
        with store.read_only() as uow:
            return calendar_from_store(repo=uow.work_calendar, office_hours=settings.calendar.parsed_office_hours())
    finally:
        store.close()
