"""An assessment as people read it: each group with a name, and the CSV export (cases.assessment defines figures)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cases.assessment import TOTAL, AssessBy, AssessmentRepository, AssessmentRow
from cases.repository import TeamRepository
from gis.repository import GridRepository

PLATFORM_NAMES = {"governance": "综治工作 governance", "market": "市场监管 market supervision",
                  "enforcement": "综合执法 law enforcement", "service": "便民服务 public service"}
NO_GROUP = {AssessBy.PLATFORM: "未分派平台 no platform", AssessBy.DEPARTMENT: "无部门 no department",
            AssessBy.TEAM: "无主办队伍 no lead team", AssessBy.GRID: "", AssessBy.TOTAL: "合计 total"}
# (field, header): the header names each column in Chinese and English, for the command room and for scripts.
CSV_COLUMNS = (
    ("group", "分组 group"), ("name", "名称 name"), ("received", "受理数 received"), ("closed", "办结数 closed"),
    ("handed_off", "退回或上报数 rejected or escalated"), ("closure_rate", "办结率 closure rate"),
    ("timed", "有时限结论数 timed"), ("on_time_rate", "按时率 on-time rate"),
    ("measured", "有处置时长数 measured"), ("avg_handling_wh", "平均处置工时 avg handling working hours"),
    ("p90_handling_wh", "P90处置工时 p90 handling working hours"), ("rated", "评价数 rated"),
    ("satisfaction_avg", "平均满意度 satisfaction (1-5)"),
)
# Excel on a Chinese Windows reads a CSV without a byte-order mark in the local code page (GBK) and garbles UTF-8
# Chinese; with the mark it reads UTF-8. Scripts reading with utf-8-sig drop it.
BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class NamedRow:
    """An assessment row with the name of its group (a grid's or team's name, a platform's Chinese name)."""

    name: str
    row: AssessmentRow


def assess(*, assessment: AssessmentRepository, grids: GridRepository, teams: TeamRepository, since: datetime,
           until: datetime, by: AssessBy, grid_level: int | None = None, platform: str | None = None,
           any_grid: Sequence[str] | None = None) -> list[NamedRow]:
    """Return the assessment of cases received in [since, until) per group, each group named."""
    rows = assessment.summarise(since=since, until=until, by=by, grid_level=grid_level, platform=platform,
                                any_grid=any_grid)
    names: dict[str, str] = {TOTAL: NO_GROUP[AssessBy.TOTAL]} if by is AssessBy.TOTAL else {}
    if by is AssessBy.PLATFORM:
        names = PLATFORM_NAMES
    elif by is AssessBy.TEAM:
        names = {t.id: t.name for t in teams.all()}
    elif by is AssessBy.GRID and rows:
        # Only the grids named in the answer: a few reads, never the whole grid set's outlines.
        names = {g.code: g.name for g in (grids.get(r.group) for r in rows if r.group) if g is not None}
    return [NamedRow(names.get(r.group, r.group) if r.group else NO_GROUP[by], r) for r in rows]


def _cell(value: object, digits: int) -> object:
    if value is None:
        return ""
    return round(value, digits) if isinstance(value, float) else value


def assessment_csv(rows: Sequence[NamedRow]) -> str:
    """Return the rows as CSV text: a BOM, one header row in Chinese and English, one line per group."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for _, header in CSV_COLUMNS])
    for named in rows:
        r = named.row
        writer.writerow([r.group, named.name, r.received, r.closed, r.handed_off, _cell(r.closure_rate, 4), r.timed,
                         _cell(r.on_time_rate, 4), r.measured, _cell(r.avg_handling_wh, 2),
                         _cell(r.p90_handling_wh, 2), r.rated, _cell(r.satisfaction_avg, 2)])
    return out.getvalue()
