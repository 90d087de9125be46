"""The weekly situation report (社会治理形势分析报告): filed copies, or rendered on demand, as HTML and PDF."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, Response

from access.errors import Forbidden
from access.models import Principal
from access.policy import case_reach
from api.deps import ClockDep, Paging, StoreDep, get_paging
from api.responses.reports import ReportPage
from api.security import OpsReader
from reports.filing import Format, ReportArchive, make_weekly
from reports.weeks import WEEK_HELP, ReportWeek, parse_week

router = APIRouter(tags=["reports"])

WeekParam = Annotated[str, PathParam(max_length=16, description=WEEK_HELP)]
_HTML = {200: {"content": {"text/html": {"schema": {"type": "string"}}},
               "description": "the report as one HTML page, pictures inline"}}
_PDF = {200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
              "description": "the report on A4 pages"}}


def get_archive(request: Request) -> ReportArchive:
    """Return the folder the weekly-report job files reports in (<data_dir>/reports)."""
    return ReportArchive(request.app.state.reports_dir)


ArchiveDep = Annotated[ReportArchive, Depends(get_archive)]


def _whole_town(who: Principal, path: str) -> None:
    # The report covers every platform and grid; someone who may see only part of the cases may not read it.
    reach = case_reach(who)
    if reach.platform is not None or reach.grid_codes is not None:
        raise Forbidden(f"role '{who.role}' sees only part of the town's cases; {path} covers all of them")


def _url(week: ReportWeek, fmt: Format) -> str:
    return f"/api/reports/weekly/{week.label}.{fmt}"


@router.get("/api/reports", response_model=ReportPage)
def list_reports(who: OpsReader, archive: ArchiveDep, paging: Annotated[Paging, Depends(get_paging)]
                 ) -> Any:
    """Return the filed weekly reports, newest week first."""
    _whole_town(who, "GET /api/reports")
    filed = archive.listing()
    window = filed[paging.offset:paging.offset + paging.limit]
    items = [{"kind": "weekly", "week": r.week.label, "since": r.week.since, "until": r.week.until,
              "formats": list(r.formats), "sizes": r.sizes, "filed_at": r.filed_at,
              "html_url": _url(r.week, "html") if "html" in r.formats else None,
              "pdf_url": _url(r.week, "pdf") if "pdf" in r.formats else None} for r in window]
    return {"items": items, "total": len(filed), "limit": paging.limit, "offset": paging.offset}


@router.get("/api/reports/weekly/{week}.html", response_class=Response, responses=_HTML)
def weekly_html(week: WeekParam, who: OpsReader, store: StoreDep, clock: ClockDep, archive: ArchiveDep) -> Response:
    """Return a week's report as HTML (YYYY-Www or current): the filed copy, else rendered now."""
    _whole_town(who, "GET /api/reports/weekly")
    chosen = parse_week(week, now=clock(), where="path parameter week")
    filed = archive.filed(chosen, "html")
    if filed is not None:
        return FileResponse(filed, media_type="text/html; charset=utf-8")
    # A plain def: FastAPI runs it in its thread pool, so a render of a second or two holds no event loop.
    report = make_weekly(store, week=chosen, now=clock(), formats=("html",), pdf_href=f"{chosen.label}.pdf")
    return HTMLResponse(report.html)


@router.get("/api/reports/weekly/{week}.pdf", response_class=Response, responses=_PDF)
def weekly_pdf(week: WeekParam, who: OpsReader, store: StoreDep, clock: ClockDep, archive: ArchiveDep) -> Response:
    """Return a week's report as PDF (YYYY-Www or current): the filed copy, else rendered now."""
    _whole_town(who, "GET /api/reports/weekly")
    chosen = parse_week(week, now=clock(), where="path parameter week")
    filed = archive.filed(chosen, "pdf")
    headers = {"Content-Disposition": f'inline; filename="weekly-report-{chosen.label}.pdf"'}
    if filed is not None:
        return FileResponse(filed, media_type="application/pdf", headers=headers)
    report = make_weekly(store, week=chosen, now=clock(), formats=("pdf",))
    return Response(report.pdf, media_type="application/pdf", headers=headers)
