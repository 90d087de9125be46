"""Duplicate reports: open cases of the same category near a case in space and time, nearest first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from cases.lifecycle import FINISHED
from cases.models import Case
from cases.repository import CaseRepository
from gis.geometry import bbox_around, haversine_m

DEFAULT_DUPLICATE_RADIUS_M = 250.0
DEFAULT_DUPLICATE_WINDOW = timedelta(hours=72)
# Enough for an operator to choose from; a crowd of hundreds on one spot is a different problem (an incident).
MAX_CANDIDATES = 20


@dataclass(frozen=True, slots=True)
class DuplicateSearch:
    """How near in space (metres) and time (either side of the case's report) a duplicate must be."""

    radius_m: float = DEFAULT_DUPLICATE_RADIUS_M
    window: timedelta = DEFAULT_DUPLICATE_WINDOW


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    """An open case that may report the same matter, and how far it lies from the case."""

    case: Case
    distance_m: float


def rank_duplicates(case: Case, found: Iterable[Case], search: DuplicateSearch,
                    limit: int = MAX_CANDIDATES) -> list[DuplicateCandidate]:
    """Return the open cases of case's category within the radius and window, nearest first, then newest."""
    candidates = []
    for other in found:
        if other.id == case.id or other.category != case.category or other.status in FINISHED:
            continue
        if abs(other.created_at - case.created_at) > search.window:
            continue
        distance = haversine_m(case.lon, case.lat, other.lon, other.lat)
        if distance <= search.radius_m:
            candidates.append(DuplicateCandidate(other, distance))
    candidates.sort(key=lambda c: (round(c.distance_m, 1), -c.case.created_at.timestamp(), -(c.case.id or 0)))
    return candidates[:limit]


def duplicate_candidates(cases: CaseRepository, *, case: Case, search: DuplicateSearch,
                         limit: int = MAX_CANDIDATES) -> list[DuplicateCandidate]:
    """Return the open cases that may duplicate case: same category, within the radius and the window around it."""
    # The bbox uses the store's point index; the exact distance and the window's far side are checked in Python.
    found = cases.open_near(category=case.category, bbox=bbox_around(case.lon, case.lat, search.radius_m),
                            created_since=case.created_at - search.window, limit=limit * 5 + 1)
    return rank_duplicates(case, found, search, limit)
