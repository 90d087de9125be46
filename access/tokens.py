"""Signed access tokens and stream tickets (JWT, HS256), and opaque refresh tokens stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from access.errors import NotAuthenticated
from access.models import Principal, Role
from cases.models import Platform

ALGORITHM = "HS256"
ISSUER = "gridwatch"


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    """Lifetimes: access tokens are short, a session ends after idle_timeout unused or max_age in all."""

    secret: str
    access_ttl: timedelta = timedelta(minutes=10)
    idle_timeout: timedelta = timedelta(minutes=30)
    max_age: timedelta = timedelta(hours=12)
    ticket_ttl: timedelta = timedelta(seconds=60)


def issue_access_token(policy: TokenPolicy, principal: Principal, *, now: datetime) -> str:
    """Return a signed access token carrying the principal's reach."""
    return _encode(policy, principal, typ="access", now=now, ttl=policy.access_ttl)


def issue_stream_ticket(policy: TokenPolicy, principal: Principal, *, now: datetime) -> str:
    """Return a one-minute token good only for opening the event stream (EventSource cannot send headers)."""
    return _encode(policy, principal, typ="stream", now=now, ttl=policy.ticket_ttl)


def read_token(policy: TokenPolicy, token: str, *, typ: str, now: datetime) -> Principal:
    """Return the principal a valid token of this type names, or raise NotAuthenticated."""
    try:
        claims = jwt.decode(token, policy.secret, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "iat", "sub", "typ"], "verify_exp": False})
    except jwt.InvalidTokenError as exc:
        raise NotAuthenticated(f"token: {exc}") from None
    if claims["typ"] != typ:
        raise NotAuthenticated(f"token: a {claims['typ']} token cannot be used as {typ}")
    if claims["exp"] <= now.timestamp():
        raise NotAuthenticated("token: expired; refresh it")
    return Principal(name=claims["sub"], role=Role(claims["role"]), kind=claims.get("kind", "user"),
                     platform=Platform(claims["platform"]) if claims.get("platform") else None,
                     team_id=claims.get("team"), grid_codes=tuple(claims.get("grids", ())), session_id=claims.get("sid"))


def new_refresh_token() -> str:
    """Return a fresh random refresh token (256 bits)."""
    return secrets.token_urlsafe(32)


def digest(secret_value: str) -> str:
    """Return the SHA-256 of a high-entropy secret (refresh token, API key); slow hashing is for passwords."""
    return hashlib.sha256(secret_value.encode()).hexdigest()


def _encode(policy: TokenPolicy, principal: Principal, *, typ: str, now: datetime, ttl: timedelta) -> str:
    claims = {"iss": ISSUER, "sub": principal.name, "typ": typ, "role": str(principal.role), "kind": principal.kind,
              "iat": int(now.timestamp()), "exp": int((now + ttl).timestamp()), "jti": secrets.token_hex(8)}
    if principal.platform:
        claims["platform"] = str(principal.platform)
    if principal.team_id:
        claims["team"] = principal.team_id
    if principal.grid_codes:
        claims["grids"] = list(principal.grid_codes)
    if principal.session_id:
        claims["sid"] = principal.session_id
    return jwt.encode(claims, policy.secret, algorithm=ALGORITHM)
