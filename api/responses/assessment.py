"""The assessment's answer: the period, the grouping and one row of figures per group (definitions: docs/api.md)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.responses.common import Instant, ReadModel
from cases.assessment import AssessBy

Rate = Annotated[float | None, Field(ge=0, le=1, description="a fraction in [0, 1]; null when nothing counted")]


class AssessmentRowRead(ReadModel):
    """The figures of one group."""

    group: Annotated[str, Field(description="platform, department, team id or grid code; '' none; 'total'")]
    name: Annotated[str, Field(description="the group's name: a platform's Chinese name, a team's or grid's name")]
    received: Annotated[int, Field(ge=0, description="cases received in the period, merged duplicates left out")]
    closed: Annotated[int, Field(ge=0, description="of those, closed or evaluated (办结)")]
    handed_off: Annotated[int, Field(ge=0, description="of those, rejected or escalated to the city")]
    closure_rate: Annotated[Rate, Field(description="办结率: closed / (received - handed_off)")]
    timed: Annotated[int, Field(ge=0, description="cases with an on-time verdict")]
    on_time_rate: Annotated[Rate, Field(description="on time / timed")]
    measured: Annotated[int, Field(ge=0, description="cases with a handling time")]
    avg_handling_wh: Annotated[float | None, Field(ge=0, description="mean working hours from report to handled")]
    p90_handling_wh: Annotated[float | None, Field(ge=0, description="90th percentile (percentile_cont) of the same")]
    rated: Annotated[int, Field(ge=0, description="cases the reporter rated")]
    satisfaction_avg: Annotated[float | None, Field(ge=1, le=5, description="mean rating, 1 to 5")]


class AssessmentRead(ReadModel):
    """An assessment of the cases received in [since, until), within the caller's reach."""

    since: Instant
    until: Instant
    by: AssessBy
    grid_level: int | None
    rows: list[AssessmentRowRead]
