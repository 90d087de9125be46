"""Assessment (考核) of a period per platform, department, team or grid, as JSON or as CSV for spreadsheets."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from api.deps import ClockDep, StoreDep
from api.errors import BadQuery
from api.responses.assessment import AssessmentRead
from api.security import AssessmentReader
from access.policy import case_reach
from cases.assessment import AssessBy
from cases.assessment_report import NamedRow, assess, assessment_csv
from cases.periods import PERIOD_HELP, parse_period
from gis.zone import CHINA_TZ

router = APIRouter(tags=["assessment"])

# A year (leap or not) at most: a longer span is several reports, and keeps one request's work bounded.
MAX_PERIOD = timedelta(days=366)
When = Annotated[datetime | None, Query(description="ISO 8601; without an offset it is China Standard Time")]


def _bounds(period: str | None, since: datetime | None, until: datetime | None,
            now: datetime) -> tuple[datetime, datetime]:
    """Return [since, until) from a named period or from since and until (default: this month)."""
    if period is not None and (since is not None or until is not None):
        raise BadQuery("query parameters period and since/until: give one or the other")
    if since is None and until is None:
        return parse_period(period or "this_month", now=now, where="query parameter period")
    if since is None or until is None:
        raise BadQuery(f"query parameter {'since' if since is None else 'until'}: give both since and until")
    since, until = (t if t.tzinfo else t.replace(tzinfo=CHINA_TZ) for t in (since, until))
    if until <= since:
        raise BadQuery(f"query parameter until {until.isoformat()} is not after since {since.isoformat()}")
    if until - since > MAX_PERIOD:
        raise BadQuery(f"query parameters since..until span {(until - since).days} days; at most {MAX_PERIOD.days}")
    return since, until


def _row(named: NamedRow) -> dict[str, Any]:
    return {**dataclasses.asdict(named.row), "name": named.name}


@router.get("/api/assessment", response_model=AssessmentRead,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                             "description": "JSON; with format=csv, UTF-8 CSV with a BOM and a bilingual header"}})
def get_assessment(store: StoreDep, who: AssessmentReader, clock: ClockDep,
                   by: Annotated[AssessBy, Query(description="platform, department, team, grid or total")
                                 ] = AssessBy.TOTAL,
                   period: Annotated[str | None, Query(max_length=16, description=PERIOD_HELP)] = None,
                   since: When = None, until: When = None,
                   grid_level: Annotated[int | None, Query(ge=1, le=12, description="by grid: grids of this depth")
                                         ] = None,
                   format: Annotated[Literal["json", "csv"], Query(description="json or csv")] = "json",
                   ) -> Any:
    """Return received, closed, closure and on-time rates, handling hours and satisfaction per group of a period."""
    since, until = _bounds(period, since, until, clock())
    if grid_level is not None and by is not AssessBy.GRID:
        raise BadQuery(f"query parameter grid_level: only with by=grid, not by={by}")
    reach = case_reach(who)
    with store.read_only() as uow:
        rows = assess(assessment=uow.assessment, grids=uow.grids, teams=uow.teams, since=since, until=until, by=by,
                      grid_level=grid_level, platform=None if reach.platform is None else str(reach.platform),
                      any_grid=reach.grid_codes)
    if format == "csv":
        label = period or f"{since.astimezone(CHINA_TZ):%Y%m%d}-{until.astimezone(CHINA_TZ):%Y%m%d}"
        return Response(assessment_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="assessment-{by}-{label}.csv"'})
    return {"since": since, "until": until, "by": by, "grid_level": grid_level, "rows": [_row(r) for r in rows]}
