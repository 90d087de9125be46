"""CLI commands for accounts, API keys and the audit trail."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from access.errors import InvalidAccount
from access.models import Role, User
from access.service import create_api_key, create_user, reset_password
from audit.service import record, verify
from cases.models import Platform
from gridwatch.runtime import open_migrated_store
from gridwatch.settings import load_settings
from gridwatch.zone import beijing_time
from storage import UnitOfWork

users_app = typer.Typer(help="Accounts of the command room.", no_args_is_help=True)
apikeys_app = typer.Typer(help="Keys of machine clients (Open311 apps, the city platform).", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
console = Console()


@contextmanager
def _unit_of_work() -> Iterator[UnitOfWork]:
    """Open the configured store for one transaction, and close it after."""
    store = open_migrated_store(load_settings().effective_store_url)
    try:
        with store.unit_of_work() as uow:
            yield uow
    finally:
        store.close()


def _audit(uow, action: str, target: str, **detail: object) -> None:  # type: ignore[no-untyped-def]
    """Put an account change made from the command line on the audit chain, in its own transaction."""
    record(repo=uow.audit, at=datetime.now(UTC), actor=f"cli:{getpass.getuser()}", role="cli", source_ip="local",
           action=action, target=target, outcome="ok", detail=dict(detail))


def _password(given: str | None) -> str:
    if given:
        return given
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        console.print("[red]the two passwords differ[/]")
        raise typer.Exit(2)
    return first


@users_app.command("add")
def users_add(username: str, role: Annotated[Role, typer.Option(help="admin, operator, platform_member, grid_staff, supervisor, viewer")],
              name: Annotated[str, typer.Option(help="Display name.")] = "",
              platform: Annotated[Platform | None, typer.Option(help="For platform members.")] = None,
              team: Annotated[str | None, typer.Option(help="For platform members: their team id.")] = None,
              grid: Annotated[list[str] | None, typer.Option(help="For grid staff: grid codes (repeatable).")] = None,
              password: Annotated[str | None, typer.Option(help="Omit to be asked.", hidden=True)] = None) -> None:
    """Create an account (the first admin too)."""
    secret = _password(password)  # asked before the transaction, which holds the write lock
    try:
        with _unit_of_work() as uow:
            create_user(users=uow.users, username=username, password=secret, role=role, display_name=name,
                        platform=platform, team_id=team, grid_codes=tuple(grid or ()), now=datetime.now(UTC))
            _audit(uow, "users.add", f"username={username}", role=role.value)
    except InvalidAccount as exc:
        console.print(f"[red]refused:[/] {exc}")
        raise typer.Exit(2) from None
    console.print(f"[green]created[/] {username} ({role.value})")


@users_app.command("reset")
def users_reset(username: str, password: Annotated[str | None, typer.Option(hidden=True)] = None) -> None:
    """Set a new password, unlock the account and end its sessions."""
    secret = _password(password)  # asked before the transaction, which holds the write lock
    try:
        with _unit_of_work() as uow:
            reset_password(users=uow.users, sessions=uow.sessions, username=username, password=secret,
                           now=datetime.now(UTC))
            _audit(uow, "users.reset", f"username={username}")
    except InvalidAccount as exc:
        console.print(f"[red]refused:[/] {exc}")
        raise typer.Exit(2) from None
    console.print(f"[green]reset[/] {username}: unlocked, sessions ended")


def account_status(user: User, now: datetime) -> str:
    """Return whether an account can log in: active, disabled, or locked until when (Beijing time)."""
    if not user.active:
        return "disabled"
    if user.locked_until is not None and user.locked_until > now:
        return f"locked until {beijing_time(user.locked_until)}"
    return "active"


@users_app.command("list")
def users_list() -> None:
    """List accounts: who may log in, and when each last did (Beijing time)."""
    with _unit_of_work() as uow:
        users = uow.users.list()
    now = datetime.now(UTC)
    table = Table("username", "name", "role", "platform", "team", "grids", "status", "last login (Beijing)")
    for u in users:
        table.add_row(u.username, u.display_name, u.role.value, str(u.platform or ""), u.team_id or "",
                      " ".join(u.grid_codes), account_status(u, now),
                      beijing_time(u.last_login_at) if u.last_login_at else "never")
    console.print(table)


@apikeys_app.command("add")
def apikeys_add(name: str, role: Annotated[Role, typer.Option(help="Usually grid_staff (Open311 intake) or viewer.")] = Role.VIEWER,
                grid: Annotated[list[str] | None, typer.Option(help="Grid codes the key reaches (grid_staff).")] = None) -> None:
    """Create an API key; the key is printed once and only its hash is kept."""
    with _unit_of_work() as uow:
        key, secret = create_api_key(keys=uow.api_keys, name=name, role=role, grid_codes=tuple(grid or ()),
                                     now=datetime.now(UTC))
        _audit(uow, "apikeys.add", f"key={key.id}", name=name, role=role.value)
    console.print(f"[green]created[/] key {key.id} for {name} ({role.value}); send it as the X-API-Key header:")
    console.print(secret, highlight=False, soft_wrap=True)


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the audit hash chain; exit 1 and name the entry if one was edited or deleted."""
    with _unit_of_work() as uow:
        report = verify(repo=uow.audit)
    if report.ok:
        console.print(f"[green]audit chain intact[/]: {report.checked} entries")
        return
    where = "audit head record wrong" if report.entry_id is None else f"audit chain broken at entry {report.entry_id}"
    console.print(f"[red]{where}[/]: {report.problem} ({report.checked} entries checked)")
    raise typer.Exit(1)


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Disable an account and end its sessions (it stays, for the audit trail)."""
    with _unit_of_work() as uow:
        user = uow.users.get(username)
        if user is None:
            console.print(f"[red]refused:[/] username {username!r}: no such user")
            raise typer.Exit(2)
        uow.users.update(replace(user, active=False))
        uow.sessions.revoke_all(username)
        _audit(uow, "users.disable", f"username={username}")
    console.print(f"[green]disabled[/] {username}: sessions ended")


@apikeys_app.command("list")
def apikeys_list() -> None:
    """List API keys (never their secrets)."""
    with _unit_of_work() as uow:
        keys = uow.api_keys.list()
    table = Table("id", "name", "role", "grids", "created", "revoked")
    for k in keys:
        table.add_row(k.id, k.name, k.role.value, " ".join(k.grid_codes), k.created_at.isoformat(timespec="seconds"),
                      "yes" if k.revoked else "")
    console.print(table)


@apikeys_app.command("revoke")
def apikeys_revoke(key_id: str) -> None:
    """Revoke an API key at once (a leaked key, a retired client)."""
    with _unit_of_work() as uow:
        key = uow.api_keys.get(key_id)
        if key is None:
            console.print(f"[red]refused:[/] API key {key_id!r}: no such key")
            raise typer.Exit(2)
        uow.api_keys.update(replace(key, revoked=True))
        _audit(uow, "apikeys.revoke", f"key={key_id}")
    console.print(f"[green]revoked[/] key {key_id} ({key.name})")
