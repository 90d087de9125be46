"""A case's possible duplicates and its reporters; reporters rate the outcome by link (public) or by the hotline."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Security
from fastapi.responses import FileResponse, HTMLResponse

from access.models import Principal
from access.policy import mask_name, mask_phone
from access.scopes import Scope, has_scope
from api.duplicates import possible_duplicates
from api.deps import ClockDep, IdPath, LocatorDep, StoreDep
from api.responses.reporters import DuplicateList, RatingAnswer, ReporterList
from api.routes.cases import visible_case
from api.routes.page import STATIC_DIR
from api.schemas_reporters import RatingIn
from api.security import CaseReader, authorize, client_ip
from cases.errors import CaseNotFound, RatingLinkNotFound
from cases.ratings import RatingOutcome, rate_outcome, reporter_for_token
from cases.reporters import CaseReporter, ReporterNotice
from feed import record
from storage import UnitOfWork

router = APIRouter(tags=["reporters"])
CaseCommander = Annotated[Principal, Security(authorize, scopes=[Scope.CASES_COMMAND.value])]
# secrets.token_urlsafe(24) gives 32 characters; anything else is not a link we issued.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")
TokenPath = Annotated[str, Path(max_length=200, description="the token of the rating link sent to the reporter")]
NOT_FOUND_PAGE = ("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>评价链接无效</title>"
                  "<body><p>评价链接无效或已过期。如需评价，请拨打12345热线。</p></body></html>")


@router.get("/api/cases/{case_id}/duplicates", response_model=DuplicateList)
def list_duplicates(request: Request, store: StoreDep, principal: CaseReader, case_id: IdPath) -> dict[str, Any]:
    """List the open cases of the case's category near it in space and time (the operator's merge candidates)."""
    search = request.app.state.duplicate_search
    with store.read_only() as uow:
        case = visible_case(uow, principal, case_id)
        items = possible_duplicates(uow, request, principal, case)
    return {"items": items, "radius_m": search.radius_m, "window_h": search.window.total_seconds() / 3600}


def _reporter_fields(principal: Principal, reporter: CaseReporter) -> dict[str, Any]:
    fields = record(reporter, drop=("rating_token_hash",))
    if not has_scope(principal.role, Scope.PERSONAL_READ):
        fields.update(name=mask_name(reporter.name), phone=mask_phone(reporter.phone))
    return fields


def _notice_fields(principal: Principal, notice: ReporterNotice, names: dict[int, str]) -> dict[str, Any]:
    fields = record(notice)
    name = names.get(notice.reporter_id, "")
    if name and not has_scope(principal.role, Scope.PERSONAL_READ):
        fields["text"] = notice.text.replace(name, mask_name(name))
    return fields


@router.get("/api/cases/{case_id}/reporters", response_model=ReporterList)
def list_reporters(store: StoreDep, principal: CaseReader, case_id: IdPath) -> dict[str, Any]:
    """List the case's reporters (with those of cases merged into it), their ratings and the notices owed to them."""
    with store.read_only() as uow:
        case = visible_case(uow, principal, case_id)
        reporters = uow.reporters.for_case(case_id)
        notices = uow.reporter_notices.for_case(case_id)
    names = {r.id: r.name for r in reporters}
    return {"case_id": case.id, "feedback_due_at": case.feedback_due_at,
            "reporters": [_reporter_fields(principal, r) for r in reporters],
            "notices": [_notice_fields(principal, n, names) for n in notices]}  # type: ignore[arg-type]


def _answer(outcome: RatingOutcome) -> dict[str, Any]:
    return {"case_id": outcome.case.id, "reporter_id": outcome.reporter.id,
            "satisfaction": outcome.reporter.satisfaction, "evaluated": outcome.evaluated,
            "case_status": outcome.case.status, "case_satisfaction": outcome.case.satisfaction}


@router.post("/api/cases/{case_id}/reporters/{reporter_id}/rating", response_model=RatingAnswer)
def record_hotline_rating(store: StoreDep, locator: LocatorDep, clock: ClockDep, principal: CaseCommander,
                          case_id: IdPath, reporter_id: IdPath, rating: RatingIn) -> dict[str, Any]:
    """Record a reporter's rating taken by the hotline (回访); a closed case is evaluated, as by the link."""
    now = clock()
    with store.unit_of_work() as uow:
        visible_case(uow, principal, case_id)
        reporter = uow.reporters.get(reporter_id)
        if reporter is None or reporter.case_id != case_id:
            raise CaseNotFound(f"case {case_id}: no reporter {reporter_id}")
        outcome = rate_outcome(uow, locator=locator, reporter=reporter, satisfaction=rating.satisfaction,
                               comment=rating.comment, actor=principal.actor, at=now, role=str(principal.role),
                               channel="hotline")
    return _answer(outcome)


def _token_reporter(uow: UnitOfWork, token: str) -> CaseReporter:
    if not TOKEN_SHAPE.fullmatch(token):
        raise RatingLinkNotFound("path 'token': no such rating link")
    return reporter_for_token(uow.reporters, token)


@router.get("/rate/{token}", include_in_schema=False, response_model=None)
def rating_page(request: Request, store: StoreDep, token: TokenPath) -> FileResponse | HTMLResponse:
    """Serve the rating page of a link (no login); an unknown link gets a page saying so, with 404."""
    request.app.state.rating_limiter.hit(client_ip(request))
    try:
        with store.read_only() as uow:
            _token_reporter(uow, token)
    except RatingLinkNotFound:
        return HTMLResponse(NOT_FOUND_PAGE, status_code=404)
    return FileResponse(STATIC_DIR / "rate.html", headers={"Cache-Control": "no-store",
                                                           "Referrer-Policy": "no-referrer"})


@router.post("/api/rate/{token}", response_model=RatingAnswer)
def rate_by_link(request: Request, store: StoreDep, locator: LocatorDep, clock: ClockDep, token: TokenPath,
                 rating: RatingIn) -> dict[str, Any]:
    """Record the rating of the reporter a link was sent to, once (409 after); a closed case is evaluated by it."""
    request.app.state.rating_limiter.hit(client_ip(request))
    now = clock()
    with store.unit_of_work() as uow:
        reporter = _token_reporter(uow, token)
        request.state.actor_hint = f"reporter:{reporter.id}"
        outcome = rate_outcome(uow, locator=locator, reporter=reporter, satisfaction=rating.satisfaction,
                               comment=rating.comment, actor=f"reporter:{reporter.id}", at=now, role="reporter",
                               channel="link")
    return _answer(outcome)
