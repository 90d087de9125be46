"""Login (OAuth2 password flow), refresh, logout, who am I, and tickets for the event stream."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import Field

from access.errors import AccessError, Forbidden, InvalidAccount
from access.models import User
from access.service import Tokens, login, logout, refresh_session
from access.tokens import issue_stream_ticket
from api.deps import ClockDep, StoreDep
from api.responses import AccountPage, StreamTicketRead, TokenRead, UserRead
from api.schemas import Strict
from api.security import AnyUser, OpsReader, UserAdmin, client_ip
from storage import Store, UnitOfWork

router = APIRouter(prefix="/api/auth", tags=["auth"])
T = TypeVar("T")


def commit_then_refuse(store: Store, work: Callable[[UnitOfWork], T]) -> T:
    """Run work in a unit of work that commits even when access is refused, then raise the refusal."""
    refusal: AccessError | None = None
    with store.unit_of_work() as uow:
        try:
            result = work(uow)
        except AccessError as exc:
            refusal = exc
    if refusal is not None:
        raise refusal
    return result


class RefreshRequest(Strict):
    """A refresh token to trade for new tokens."""

    refresh_token: Annotated[str, Field(min_length=10, max_length=200)]


def user_dict(user: User) -> dict[str, Any]:
    """Return what a client may know of an account (never its hash or lockout counters)."""
    return {"username": user.username, "display_name": user.display_name, "role": str(user.role),
            "platform": str(user.platform) if user.platform else None, "team_id": user.team_id,
            "grid_codes": list(user.grid_codes)}


def _token_body(tokens: Tokens) -> dict[str, Any]:
    return {"access_token": tokens.access_token, "token_type": "bearer", "expires_in": tokens.expires_in,
            "refresh_token": tokens.refresh_token, "refresh_expires_in": tokens.refresh_expires_in,
            "user": user_dict(tokens.user)}


@router.post("/token", response_model=TokenRead)
def issue_token(request: Request, store: StoreDep, clock: ClockDep,
                form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict[str, Any]:
    """Log in with username and password; five failures in a row lock the account for 15 minutes."""
    ip = client_ip(request)
    request.state.actor_hint = form.username
    request.app.state.login_limiter.hit(ip)
    for field, value in (("username", form.username), ("password", form.password)):
        # No account can hold one, and PostgreSQL could not even look the name up: a malformed request, not a login.
        if "\x00" in value:
            raise InvalidAccount(f"form field '{field}': contains a NUL character")
    # The failure counter must be kept even though the login is refused.
    tokens = commit_then_refuse(store, lambda uow: login(
        users=uow.users, sessions=uow.sessions, policy=request.app.state.token_policy, username=form.username,
        password=form.password, source_ip=ip, now=clock()))
    return _token_body(tokens)


@router.post("/refresh", response_model=TokenRead)
def refresh(request: Request, store: StoreDep, clock: ClockDep, body: RefreshRequest) -> dict[str, Any]:
    """Trade a refresh token for new tokens; the old refresh token stops working."""
    # Revoking a reused or idle session must stick even though the request is refused.
    tokens = commit_then_refuse(store, lambda uow: refresh_session(
        users=uow.users, sessions=uow.sessions, policy=request.app.state.token_policy,
        refresh_token=body.refresh_token, now=clock()))
    request.state.actor_hint = tokens.user.username
    return _token_body(tokens)


@router.post("/logout", status_code=204)
def end_session(store: StoreDep, principal: AnyUser) -> Response:
    """End the caller's session: its refresh token and access tokens stop working at once."""
    with store.unit_of_work() as uow:
        logout(sessions=uow.sessions, session_id=principal.session_id)
    return Response(status_code=204)


@router.get("/me", response_model=UserRead)
def me(store: StoreDep, principal: AnyUser) -> dict[str, Any]:
    """Return the caller's account, or the API key's name and role."""
    if principal.kind != "user":
        return {"username": principal.name, "display_name": principal.name, "role": str(principal.role),
                "platform": str(principal.platform) if principal.platform else None, "team_id": None,
                "grid_codes": list(principal.grid_codes)}
    with store.read_only() as uow:
        user = uow.users.get(principal.name)
    if user is None:
        raise Forbidden(f"user {principal.name!r}: account no longer exists")
    return user_dict(user)


@router.post("/stream-ticket", response_model=StreamTicketRead)
def stream_ticket(request: Request, clock: ClockDep, principal: OpsReader) -> dict[str, Any]:
    """Return a one-minute ticket for opening the event stream, which cannot send an Authorization header."""
    policy = request.app.state.token_policy
    return {"ticket": issue_stream_ticket(policy, principal, now=clock()),
            "expires_in": int(policy.ticket_ttl.total_seconds())}


users_router = APIRouter(prefix="/api/users", tags=["auth"])


@users_router.get("", response_model=AccountPage)
def list_users(store: StoreDep, _admin: UserAdmin) -> dict[str, Any]:
    """List accounts (admin only); create and reset them with `gridwatch users`."""
    with store.read_only() as uow:
        users = uow.users.list()
    items = [{**user_dict(u), "active": u.active, "locked_until": u.locked_until.isoformat() if u.locked_until else None,
              "failed_logins": u.failed_logins} for u in users]
    return {"items": items, "total": len(items), "limit": len(items), "offset": 0}
