"""Open311 GeoReport v2 at /open311/v2: services from the active taxonomy, requests as cases, JSON and XML.

Reads are public (the spec) and show no personal data; a POST needs an API key whose role may report cases.
Coordinates are WGS-84 as the spec says; a non-standard crs field may name another system (gis.crs).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.responses import Response

from access.models import Principal
from access.ratelimit import RateLimiter
from access.scopes import Scope, has_scope
from access.service import authenticate_api_key
from api.deps import ClockDep, LocatorDep, StoreDep
from api.open311.errors import Open311Error, install_open311_errors, spec_errors
from api.open311.params import check_attributes, read_filter, read_form
from api.open311.render import FORMATS, XML_TYPE, render
from api.open311.service_requests import describe, find_cases, request_dict
from api.open311.services import service_definition, service_list
from api.responses.open311 import (Open311DiscoveryRead, Open311ErrorRead, Open311PostedRead, Open311RequestRead,
                                   Open311ServiceDefinitionRead, Open311ServiceRead, Open311TokenRead)
from api.security import client_ip
from cases.models import CaseSource
from cases.service import CaseCreate
from cases.taxonomy import Taxonomy
from cases.use_cases import report_case_and_announce
from gis.crs import normalise_position
from storage import Store

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-30T00:00:00Z"
FORMAT_TYPES = {"xml": "text/xml", "json": "application/json"}
_XML = {"text/xml": {"schema": {"type": "string"}}}
_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": description, "model": list[Open311ErrorRead], "content": _XML}
    for status, description in ((400, "A parameter is missing or invalid"), (403, "No valid api_key for this"),
                                (404, "No such service, request, token or format"), (429, "Too many requests"),
                                (503, "The store does not answer"))}
_OK: dict[int | str, dict[str, Any]] = {200: {"content": _XML}, **_ERRORS}
_POST_FIELDS = ("api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id", "email",
                "device_id", "account_id", "first_name", "last_name", "phone", "description", "media_url", "crs")
_POST_BODY = {"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
    "type": "object", "required": ["api_key", "service_code"],
    "properties": {name: {"type": "string"} for name in _POST_FIELDS},
    "additionalProperties": {"type": "string", "description": "attribute[code]: the answer to a service attribute"},
}}}}}

router = APIRouter(prefix="/open311/v2", tags=["open311"])
FmtPath = Annotated[str, Path(description="json or xml")]
QueryText = Annotated[str | None, Query()]
IdsQuery = Annotated[str | None, Query(description="ids, comma separated; overrides the other filters")]
CodesQuery = Annotated[str | None, Query(description="service codes, comma separated")]
StartQuery = Annotated[str | None, Query(description="W3C date-time with a zone, e.g. 2026-11-01T00:00:00Z")]
EndQuery = Annotated[str | None, Query(description="W3C date-time with a zone; at most 90 days after start_date")]
StatusQuery = Annotated[str | None, Query(description="open, closed or both, comma separated")]


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Open311Error(404, f"format {fmt[:20]!r}: use .json or .xml")
    return fmt


def _read_gate(request: Request, fmt: str) -> str:
    """Check the format and spend one of the caller's public reads."""
    fmt = _format(fmt)
    with spec_errors(fmt):
        request.app.state.open311_read_limiter.hit(client_ip(request))
    return fmt


def _taxonomy(request: Request, store: Store, fmt: str) -> Taxonomy:
    """Return the active taxonomy from the case clock's cache (refreshed as the case routes see it), not a query."""
    with spec_errors(fmt), store.read_only() as uow:
        return _cached_taxonomy(request, uow)


def _cached_taxonomy(request: Request, uow: Any) -> Taxonomy:
    return request.app.state.case_clock.rules(uow).taxonomy


def _answer(body: Any, fmt: str, *, root: str, item: str | None, status: int = 200) -> Any:
    # JSON goes back through the route's response model; XML is written here with the spec's element names.
    return body if fmt == "json" else render(body, fmt, root=root, item=item, status=status)


@router.get("/discovery.{fmt}", response_model=Open311DiscoveryRead, responses=_OK)
def get_discovery(request: Request, fmt: FmtPath) -> Any:
    """Describe this endpoint: GeoReport v2, its URL and formats, and how an app gets an API key."""
    fmt = _read_gate(request, fmt)
    body = {"changeset": CHANGESET, "contact": "镇综治中心指挥室 the town's command room",
            "key_service": "API keys for apps: ask the command room ('gridwatch apikeys add NAME --role grid_staff')",
            "endpoints": [{"specification": SPEC, "url": f"{str(request.base_url).rstrip('/')}/open311/v2",
                           "changeset": CHANGESET, "type": "production", "formats": list(FORMAT_TYPES.values())}]}
    return _answer(body, fmt, root="discovery", item=None)


@router.get("/services.{fmt}", response_model=list[Open311ServiceRead], responses=_OK)
def list_services(request: Request, store: StoreDep, fmt: FmtPath, jurisdiction_id: QueryText = None) -> Any:
    """List the services: one per sub-category of the active taxonomy."""
    fmt = _read_gate(request, fmt)
    return _answer(service_list(_taxonomy(request, store, fmt)), fmt, root="services", item="service")


@router.get("/services/{service_code}.{fmt}", response_model=Open311ServiceDefinitionRead, responses=_OK)
def get_service_definition(request: Request, store: StoreDep, service_code: str, fmt: FmtPath,
                           jurisdiction_id: QueryText = None) -> Any:
    """Return a service's definition: the attributes a reporter answers."""
    fmt = _read_gate(request, fmt)
    definition = service_definition(_taxonomy(request, store, fmt), service_code)
    if definition is None:
        raise Open311Error(404, f"service_code {service_code[:60]!r}: no such service", fmt=fmt)
    return _answer(definition, fmt, root="service_definition", item=None)


async def form_fields(request: Request) -> dict[str, str]:
    """Return the form-encoded body's text fields (files are not part of GeoReport v2)."""
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


def _reporter(request: Request, store: Store, api_key: str, fmt: str) -> Principal:
    if not api_key:
        raise Open311Error(403, "api_key: required to post a request; ask the command room for a key", fmt=fmt)
    with spec_errors(fmt):
        with store.read_only() as uow:
            principal = authenticate_api_key(keys=uow.api_keys, secret=api_key)
        # The audit trail records the key as the actor of this write.
        request.state.principal = principal
        if not has_scope(principal.role, Scope.CASES_REPORT):
            raise Open311Error(403, f"api_key: role '{principal.role}' may not report cases", fmt=fmt)
        request.app.state.intake_limiter.hit(principal.actor)
    return principal


def _notice(taxonomy: Taxonomy, code: str) -> str:
    limits = taxonomy.subcategories[code].time_limits
    return f"受理时限 accepted within {limits['accept']}; 答复时限 reply within {limits['feedback']} " \
           "(h working hours, wd working days, ch clock hours)"


@router.post("/requests.{fmt}", status_code=201, response_model=list[Open311PostedRead],
             responses={201: {"content": _XML}, **_ERRORS}, openapi_extra=_POST_BODY)
def post_request(request: Request, store: StoreDep, locator: LocatorDep, clock: ClockDep, fmt: FmtPath,
                 form: Annotated[dict[str, str], Depends(form_fields)]) -> Any:
    """File a request as a citizen's case (the same use case as POST /api/cases); answer its id at once."""
    fmt = _format(fmt)
    principal = _reporter(request, store, form.get("api_key", ""), fmt)
    wanted = read_form(form, fmt)
    taxonomy = _taxonomy(request, store, fmt)
    definition = service_definition(taxonomy, wanted.service_code)
    if definition is None:
        raise Open311Error(400, f"service_code {wanted.service_code[:60]!r}: no such service", fmt=fmt)
    attributes = check_attributes(wanted.attributes, definition["attributes"], fmt)
    name = " ".join(part for part in (wanted.first_name, wanted.last_name) if part) or wanted.email
    now = clock()
    with spec_errors(fmt):
        lon, lat = normalise_position(wanted.lon, wanted.lat, wanted.crs, where="lat/long")  # type: ignore[arg-type]
        with store.unit_of_work() as uow:
            locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
            sub = taxonomy.subcategories[wanted.service_code]
            result = report_case_and_announce(uow, case_in=CaseCreate(
                title=wanted.description.splitlines()[0][:80] if wanted.description else sub.zh,
                category=sub.code, lon=lon, lat=lat, source=CaseSource.CITIZEN,
                description=describe(wanted, attributes), reporter=name[:120], reporter_phone=wanted.phone,
            ), grid_path=locator.grid_path(lon, lat), actor=principal.actor, at=now, role=str(principal.role),
                taxonomy=taxonomy, case_clock=request.app.state.case_clock)
    case_id = result.case.id
    body = [{"service_request_id": case_id, "token": str(case_id), "service_notice": _notice(taxonomy, sub.code),
             "account_id": form.get("account_id", "")[:100]}]
    return _answer(body, fmt, root="service_requests", item="request", status=201)


@router.get("/requests.{fmt}", response_model=list[Open311RequestRead], responses=_OK)
def list_requests(request: Request, store: StoreDep, clock: ClockDep, fmt: FmtPath,
                  service_request_id: IdsQuery = None,
                  service_code: CodesQuery = None,
                  start_date: StartQuery = None,
                  end_date: EndQuery = None,
                  status: StatusQuery = None,
                  jurisdiction_id: QueryText = None) -> Any:
    """List requests, newest first, at most 1000: the last 90 days unless dates say otherwise."""
    fmt = _read_gate(request, fmt)
    wanted = read_filter({"service_request_id": service_request_id, "service_code": service_code,
                          "start_date": start_date, "end_date": end_date, "status": status}, now=clock(), fmt=fmt)
    with spec_errors(fmt), store.read_only() as uow:
        taxonomy = _cached_taxonomy(request, uow)
        found = find_cases(uow.cases, wanted)
    return _answer([request_dict(c, taxonomy) for c in found], fmt, root="service_requests", item="request")


def _case_id(text: str, fmt: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**63:
        raise Open311Error(404, f"service_request_id {text[:40]!r}: no such request", fmt=fmt)
    return int(text)


@router.get("/requests/{service_request_id}.{fmt}", response_model=list[Open311RequestRead], responses=_OK)
def get_request(request: Request, store: StoreDep, service_request_id: str, fmt: FmtPath,
                jurisdiction_id: QueryText = None) -> Any:
    """Return one request (as the spec's list of one)."""
    fmt = _read_gate(request, fmt)
    case_id = _case_id(service_request_id, fmt)
    with spec_errors(fmt), store.read_only() as uow:
        taxonomy = _cached_taxonomy(request, uow)
        case = uow.cases.get(case_id)
    if case is None:
        raise Open311Error(404, f"service_request_id {case_id}: no such request", fmt=fmt)
    return _answer([request_dict(case, taxonomy)], fmt, root="service_requests", item="request")


@router.get("/tokens/{token}.{fmt}", response_model=list[Open311TokenRead], responses=_OK)
def get_token(request: Request, store: StoreDep, token: str, fmt: FmtPath, jurisdiction_id: QueryText = None) -> Any:
    """Return the request a token stands for (requests are made at once: a token is its request's id)."""
    fmt = _read_gate(request, fmt)
    case_id = _case_id(token, fmt)
    with spec_errors(fmt), store.read_only() as uow:
        case = uow.cases.get(case_id)
    if case is None:
        raise Open311Error(404, f"token {token[:40]!r}: no such token", fmt=fmt)
    return _answer([{"service_request_id": case_id, "token": token}], fmt, root="service_requests", item="request")


def install(app: FastAPI, *, rate_clock: Callable[[], float] = time.monotonic) -> None:
    """Serve Open311 at /open311/v2, answer its refusals in the spec's shape, and bound public reads per address."""
    app.state.open311_read_limiter = RateLimiter(name="open311 reads", rate_per_s=5.0, burst=300, clock=rate_clock)
    install_open311_errors(app)
    app.include_router(router)
