"""Assessment (考核): per platform, department, team or grid, how the cases received in a period were handled.

Definitions (docs/api.md repeats them for readers of the API). A case belongs to a period by when it was received
(created_at in [since, until)); its figures are as they stand when asked, so a recent period improves as its cases
close.

- received: cases received in the period, merged duplicates left out (a duplicate counts in the case it joined).
- closed (办结): received cases now closed or evaluated.
- handed_off: received cases rejected (not ours, 不予受理) or escalated to the city (事权不在本级): they left the
  town's loop without being the town's to close.
- closure_rate (办结率) = closed / (received - handed_off), GB/T 30428's closed over cases due to be closed;
  None when nothing was due.
- on_time_rate = on time / timed, where timed counts cases with an on-time verdict (handled, or overdue); a case
  without a verdict is neither on time nor late. None when nothing was timed.
- avg_handling_wh, p90_handling_wh: mean and 90th percentile (linear interpolation between closest ranks, as
  PostgreSQL's percentile_cont) of the working hours from report to handled, over the `measured` cases that have
  them. None when none has.
- satisfaction_avg: mean of the reporters' ratings (1-5) over the `rated` cases. None when none was rated.

Grouping: by platform, department, team (the case's lead assignment: the newest one with role 'lead' that was not
declined or let time out), grid (a case counts in every grid of its path at the level asked, or at every level when
none is: a town counts its villages'), or total (one row, always present). An empty group label means none: no
platform yet, no department, no lead team. Groups without cases are left out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from cases.models import CaseStatus

# The statuses that make a case closed (办结), handed off, or not a case of its own (merged into another).
CLOSED_STATUSES = (CaseStatus.CLOSED, CaseStatus.EVALUATED)
HANDED_OFF_STATUSES = (CaseStatus.REJECTED, CaseStatus.ESCALATED)
NOT_RECEIVED_STATUSES = (CaseStatus.MERGED,)
# The label of the one row of a total.
TOTAL = "total"
P90 = 0.9


class AssessBy(StrEnum):
    """What the rows of an assessment are."""

    PLATFORM = "platform"
    DEPARTMENT = "department"
    TEAM = "team"
    GRID = "grid"
    TOTAL = "total"


@dataclass(frozen=True, slots=True)
class AssessmentRow:
    """The figures of one group (see the module's definitions); rates are fractions in [0, 1]."""

    group: str
    received: int
    closed: int
    handed_off: int
    closure_rate: float | None
    timed: int
    on_time_rate: float | None
    measured: int
    avg_handling_wh: float | None
    p90_handling_wh: float | None
    rated: int
    satisfaction_avg: float | None


def rate(part: int, whole: int) -> float | None:
    """Return part / whole, or None when whole is nothing."""
    return None if whole <= 0 else part / whole


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """Return the fraction's percentile, linear between the closest ranks (PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    # The same double arithmetic as PostgreSQL's, so both backends agree to the last bit.
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = math.ceil(position)
    below = ordered[low]
    if high == low:
        return below
    return below + (position - low) * (ordered[high] - below)


class AssessmentRepository(Protocol):
    def summarise(self, *, since: datetime, until: datetime, by: AssessBy, grid_level: int | None = None,
                  platform: str | None = None, any_grid: Sequence[str] | None = None) -> list[AssessmentRow]:
        """Return one row per group of the cases received in [since, until), ordered by group, from one query.

        grid_level (by grid only): the grids of that depth (1 = town); None: every grid on each case's path.
        platform and any_grid bound the cases counted, as in CaseRepository.list (any_grid empty: none).
        """
        ...
