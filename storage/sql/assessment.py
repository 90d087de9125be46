"""Assessment figures per group in one aggregate query both backends run (cases.assessment defines each figure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cases.assessment import (CLOSED_STATUSES, HANDED_OFF_STATUSES, NOT_RECEIVED_STATUSES, P90, TOTAL, AssessBy,
                              AssessmentRow, rate)
from cases.models import ReleaseReason
from storage.sql.db import Condition, Db, equals, where


def _listed(statuses: Sequence[object]) -> str:
    # Constants of the domain, never caller input: written into the statement so the planner sees them.
    return ", ".join(f"'{s}'" for s in statuses)


# The team of a case: its newest lead assignment that a team took (a declined or lapsed offer never held the case).
# The partial index assignments_lead_idx (migration 0025) answers it with one index probe per case.
_LEAD_TEAM = ("(SELECT a.team_id FROM assignments a WHERE a.case_id = c.id AND a.role = 'lead'"
              f" AND (a.release_reason IS NULL OR a.release_reason NOT IN"
              f" ({_listed((ReleaseReason.DECLINED, ReleaseReason.TIMED_OUT))}))"
              " ORDER BY a.id DESC LIMIT 1)")


class SqlAssessmentRepository:
    """AssessmentRepository over one connection."""

    def __init__(self, db: Db) -> None:
        self._db = db
        self._d = db.dialect

    def _grouping(self, by: AssessBy, grid_level: int | None) -> tuple[str, str, list[Condition]]:
        """Return the group expression, any join it needs and the conditions that join adds."""
        if by is AssessBy.PLATFORM:
            return "coalesce(c.platform, '')", "", []
        if by is AssessBy.DEPARTMENT:
            return "c.department", "", []
        if by is AssessBy.TEAM:
            return f"coalesce({_LEAD_TEAM}, '')", "", []
        if by is AssessBy.GRID:
            join, code, depth = self._d.path_codes("c.grid_path", "g")
            return code, f" {join}", [] if grid_level is None else [(f"{depth} = ?", [int(grid_level)])]
        return f"'{TOTAL}'", "", []

    def summarise(self, *, since: datetime, until: datetime, by: AssessBy, grid_level: int | None = None,
                  platform: str | None = None, any_grid: Sequence[str] | None = None) -> list[AssessmentRow]:
        """Return one row per group of the cases received in [since, until), ordered by group, from one query."""
        by = AssessBy(by)
        d = self._d
        group, join, group_conditions = self._grouping(by, grid_level)
        grids: Condition | None = None
        if any_grid is not None:
            grids = ("1 = 0", []) if not any_grid else (d.path_overlaps("c.grid_path"), [d.path_to_db(tuple(any_grid))])
        clause, params = where(("c.created_at >= ? AND c.created_at < ?",
                                [d.time_to_db(since, where="assessment since"),
                                 d.time_to_db(until, where="assessment until")]),
                               (f"c.status NOT IN ({_listed(NOT_RECEIVED_STATUSES)})", []),
                               equals("c.platform", platform), grids, *group_conditions)
        # on_time is boolean on PostGIS and 0/1 on SQLite: CASE WHEN reads both, and a null stays out of both sums.
        sql = (f"SELECT {group}{d.binary_collation} AS grp, count(*) AS received,"
               f" sum(CASE WHEN c.status IN ({_listed(CLOSED_STATUSES)}) THEN 1 ELSE 0 END) AS closed,"
               f" sum(CASE WHEN c.status IN ({_listed(HANDED_OFF_STATUSES)}) THEN 1 ELSE 0 END) AS handed_off,"
               " count(c.on_time) AS timed, sum(CASE WHEN c.on_time THEN 1 ELSE 0 END) AS on_time,"
               " count(c.handling_wh) AS measured, avg(c.handling_wh) AS avg_wh,"
               f" {d.percentile_cont(P90, 'c.handling_wh')} AS p90_wh,"
               " count(c.satisfaction) AS rated, avg(c.satisfaction) AS satisfaction"
               f" FROM cases c{join}{clause} GROUP BY 1 ORDER BY 1")
        d.prepare_report(self._db)
        rows = [_row(r) for r in self._db.execute(sql, params).fetchall()]
        if by is AssessBy.TOTAL and not rows:
            rows = [_row({"grp": TOTAL, "received": 0, "closed": 0, "handed_off": 0, "timed": 0, "on_time": 0,
                          "measured": 0, "avg_wh": None, "p90_wh": None, "rated": 0, "satisfaction": None})]
        return rows


def _optional_float(value: Any) -> float | None:
    # PostgreSQL's avg of integers is numeric (a Decimal here).
    return None if value is None else float(value)


def _row(r: Any) -> AssessmentRow:
    received, closed, handed_off = int(r["received"]), int(r["closed"] or 0), int(r["handed_off"] or 0)
    timed = int(r["timed"])
    return AssessmentRow(group=str(r["grp"]), received=received, closed=closed, handed_off=handed_off,
                         closure_rate=rate(closed, received - handed_off), timed=timed,
                         on_time_rate=rate(int(r["on_time"] or 0), timed), measured=int(r["measured"]),
                         avg_handling_wh=_optional_float(r["avg_wh"]), p90_handling_wh=_optional_float(r["p90_wh"]),
                         rated=int(r["rated"]), satisfaction_avg=_optional_float(r["satisfaction"]))
