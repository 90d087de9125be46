"""Who is calling: bearer tokens, API keys and stream tickets, checked against each route's declared scopes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer, SecurityScopes

from access.errors import Forbidden, NotAuthenticated
from access.models import Principal
from access.scopes import Scope, has_scope
from access.service import authenticate_api_key
from access.tokens import TokenPolicy, read_token
from storage import Store

OAUTH2 = OAuth2PasswordBearer(
    tokenUrl="/api/auth/token", auto_error=False,
    scopes={scope.value: scope.name.replace("_", " ").lower() for scope in Scope},
)
API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="Key of a machine client (Open311, webhooks)")


def client_ip(request: Request) -> str:
    """Return the caller's address as the server sees it (a proxy must be trusted explicitly to say otherwise)."""
    return request.client.host if request.client else ""


def _principal_from_token(store: Store, policy: TokenPolicy, token: str, *, typ: str, now: datetime) -> Principal:
    principal = read_token(policy, token, typ=typ, now=now)
    if principal.session_id:
        with store.read_only() as uow:
            session = uow.sessions.get(principal.session_id)
        # A logged-out or expired session ends its access tokens at once, not when they expire.
        if session is None or session.revoked or now >= session.expires_at:
            raise NotAuthenticated("token: the session has ended; log in again")
    return principal


def authenticate(request: Request, token: str | None, api_key: str | None) -> Principal:
    """Return the principal of the request's bearer token or API key, or raise NotAuthenticated."""
    checked = getattr(request.state, "principal", None)
    if checked is not None:
        # The body guard checked these same headers before letting the body in; once per request is enough.
        return checked
    state = request.app.state
    now = state.clock()
    if token:
        principal = _principal_from_token(state.store, state.token_policy, token, typ="access", now=now)
    elif api_key:
        # Checking a key writes nothing (api_keys.last_used_at is not kept up), so it never waits for a writer.
        with state.store.read_only() as uow:
            principal = authenticate_api_key(keys=uow.api_keys, secret=api_key)
    else:
        raise NotAuthenticated("credentials: send 'Authorization: Bearer <token>' or 'X-API-Key'")
    request.state.principal = principal
    return principal


def authorize(request: Request, scopes: SecurityScopes, token: Annotated[str | None, Depends(OAUTH2)],
              api_key: Annotated[str | None, Depends(API_KEY)]) -> Principal:
    """Authenticate the caller and check that its role holds every scope the route declares."""
    principal = authenticate(request, token, api_key)
    missing = [s for s in scopes.scopes if not has_scope(principal.role, Scope(s))]
    if missing:
        raise Forbidden(f"role '{principal.role}' lacks {', '.join(missing)} for {request.method} {request.url.path}")
    return principal


def authorize_stream(request: Request, ticket: str | None = None,
                     token: Annotated[str | None, Depends(OAUTH2)] = None) -> Principal:
    """Authenticate the event stream by a stream ticket in the query (EventSource sends no headers) or a token."""
    state = request.app.state
    if ticket:
        principal = _principal_from_token(state.store, state.token_policy, ticket, typ="stream", now=state.clock())
    else:
        principal = authenticate(request, token, None)
    if not has_scope(principal.role, Scope.OPS_READ):
        raise Forbidden(f"role '{principal.role}' lacks ops:read for the event stream")
    request.state.principal = principal
    return principal


def _needs(*scopes: Scope) -> object:
    return Security(authorize, scopes=[s.value for s in scopes])


OpsReader = Annotated[Principal, _needs(Scope.OPS_READ)]
CaseReader = Annotated[Principal, _needs(Scope.CASES_READ)]
CaseReporter = Annotated[Principal, _needs(Scope.CASES_REPORT)]
CaseCommander = Annotated[Principal, _needs(Scope.CASES_COMMAND)]
# The command room acts on alerts as it commands cases: acknowledging one is an operator's judgement.
AlertCommander = Annotated[Principal, _needs(Scope.CASES_COMMAND)]
IngestReader = Annotated[Principal, _needs(Scope.INGEST_READ)]
DeviceAdmin = Annotated[Principal, _needs(Scope.DEVICES_ADMIN)]
AuditReader = Annotated[Principal, _needs(Scope.AUDIT_READ)]
UserAdmin = Annotated[Principal, _needs(Scope.USERS_ADMIN)]
RuleWriter = Annotated[Principal, _needs(Scope.RULES_WRITE)]
GridAdmin = Annotated[Principal, _needs(Scope.GRIDS_ADMIN)]
CalendarAdmin = Annotated[Principal, _needs(Scope.CALENDAR_ADMIN)]
TaxonomyAdmin = Annotated[Principal, _needs(Scope.TAXONOMY_ADMIN)]
SupervisionReader = Annotated[Principal, _needs(Scope.SUPERVISION_READ)]
SupervisionActor = Annotated[Principal, _needs(Scope.SUPERVISION_ACT)]
AssessmentReader = Annotated[Principal, _needs(Scope.ASSESSMENT_READ)]
AnyUser = Annotated[Principal, Security(authorize, scopes=[])]
StreamReader = Annotated[Principal, Depends(authorize_stream)]
