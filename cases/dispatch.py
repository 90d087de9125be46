"""Which team to offer a case: the nearest available of its platform, by road time where a network is loaded."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice
from datetime import datetime
from typing import Any

import numpy as np

from cases.errors import CaseError, CaseNotFound, NoTeamAvailable
from cases.locator import Locator
from cases.models import (Assignment, AssignmentRole, Case, Platform, ReleaseReason, TaskState, Team,
                          TeamStatus)
from cases.repository import AssignmentRepository, TeamRepository
from gis.geometry import haversine_m
from gis.roads import RoadNetwork

# Without a road network the ETA is an estimate: straight line, a detour factor and a town's driving speed.
DETOUR_FACTOR = 1.3
TOWN_SPEED_KMH = 30.0
ETA_CUTOFF_S = 4 * 3600.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A team that could be offered the case: how far in a straight line and how long it would take to get there."""

    team: Team
    distance_m: float
    eta_s: float | None


def straight_eta_s(distance_m: float) -> float:
    """Return the ETA estimated from a straight-line distance when no road network is loaded."""
    return distance_m * DETOUR_FACTOR / (TOWN_SPEED_KMH / 3.6)


def rank_candidates(locator: Locator, platform: Platform, lon: float, lat: float, *,
                    exclude: Collection[str] = ()) -> Iterator[Candidate]:
    """Yield the platform's teams the index holds available and not excluded, best first: by ETA where roads are
    loaded, else by straight-line distance (silent teams after reporting ones either way); lazily, so a caller
    that takes the first pays for one."""
    free = locator.available_teams(platform, lon, lat, exclude=exclude)
    roads = locator.dispatch.roads
    if roads is None:
        return (Candidate(r.item, r.distance_m, straight_eta_s(r.distance_m)) for r in free)
    pairs = [(r.item, r.distance_m) for r in free]
    return iter(rank_by_eta(roads, pairs, lon, lat, k=locator.dispatch.eta_candidates))


def other_candidates(locator: Locator, platform: Platform, lon: float, lat: float, *,
                     exclude: Collection[str] = ()) -> list[Candidate]:
    """Return the platform's teams on duty that the index holds busy, nearest first: the store may know them free."""
    return [Candidate(r.item, r.distance_m, None) for r in locator.nearest_teams(platform, lon, lat, limit=10**6)
            if r.item.status is not TeamStatus.AVAILABLE and r.item.id not in exclude]


def suggested_candidates(locator: Locator, platform: Platform, lon: float, lat: float, *,
                         exclude: Collection[str] = (), limit: int = 10) -> list[Candidate]:
    """Return up to limit teams in the order dispatch would try them: the available ranked, then the busy ones."""
    head = list(islice(rank_candidates(locator, platform, lon, lat, exclude=exclude), limit))
    if len(head) < limit:
        head += other_candidates(locator, platform, lon, lat, exclude=exclude)[:limit - len(head)]
    return head


def rank_by_eta(roads: RoadNetwork, by_distance: list[tuple[Team, float]], lon: float, lat: float, *,
                k: int) -> list[Candidate]:
    """Return the candidates (straight-line order) with road ETAs, the first ones re-ranked by ETA.

    One search from the case gives every node's time to it, so the cost is the search, not k. k only bounds how
    far down the straight-line list the re-ranking reaches, and it is widened past k while a farther team could
    still win: no team can arrive sooner than its straight distance at the fastest speed of the network, so once
    that bound exceeds the best ETA found, nobody farther can beat it and the order of the head is exact.
    """
    if not by_distance:
        return []
    lons = np.array([t.lon for t, _ in by_distance], dtype=float)
    lats = np.array([t.lat for t, _ in by_distance], dtype=float)
    etas = roads.etas_to(lon, lat, lons, lats, cutoff_s=ETA_CUTOFF_S)
    count = min(k, len(by_distance))
    best = float(np.min(etas[:count]))
    while count < len(by_distance) and by_distance[count][1] / roads.max_speed_mps < best:
        best = min(best, float(etas[count]))
        count += 1
    head = sorted(range(count), key=lambda i: (etas[i], by_distance[i][1]))
    ordered = head + list(range(count, len(by_distance)))
    return [Candidate(by_distance[i][0], by_distance[i][1], _finite(etas[i])) for i in ordered]


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def claim_best(teams: TeamRepository, candidates: Iterable[Candidate]) -> Candidate | None:
    """Claim the first candidate the store still holds available; return it busy, or None when none is."""
    # The index ranks; claim() is the authority on who is free, so a stale index costs a retry, not a wrong answer.
    for candidate in candidates:
        if teams.claim(candidate.team.id):
            return replace(candidate, team=replace(candidate.team, status=TeamStatus.BUSY))
    return None


def eta_of(locator: Locator, team: Team, lon: float, lat: float) -> Candidate | None:
    """Return a named team's distance and ETA to the point, None when the team has no position."""
    if team.position is None:
        return None
    distance = haversine_m(lon, lat, *team.position)
    roads = locator.dispatch.roads
    if roads is None:
        return Candidate(team, distance, straight_eta_s(distance))
    eta = float(roads.etas_to(lon, lat, [team.position[0]], [team.position[1]], cutoff_s=ETA_CUTOFF_S)[0])
    return Candidate(team, distance, _finite(eta))


# Why an assignment ended that keeps its team from being offered the same case again.
REFUSALS = frozenset({ReleaseReason.DECLINED, ReleaseReason.TIMED_OUT})


def refused_teams(assignments: AssignmentRepository, case_id: int) -> set[str]:
    """Return the teams that declined the case or let its offer lapse."""
    return {a.team_id for a in assignments.for_case(case_id) if a.release_reason in REFUSALS}


def offer_team(*, teams: TeamRepository, assignments: AssignmentRepository, locator: Locator, case: Case,
               team_id: str | None, task: str, at: datetime, exclude: Collection[str] = (),
               platform: Platform | None = None, role: AssignmentRole = AssignmentRole.LEAD
               ) -> tuple[Team, float | None, Assignment]:
    """Claim the named team, or the best available one of the platform (the case's) not excluded; offer it the case.

    The offer stands until the policy's timeout; the team stays busy while it stands (it may not be offered two).
    """
    if team_id is not None:
        team = teams.get(team_id)
        if team is None:
            raise CaseNotFound(f"case {case.id}: no team {team_id!r}")
        if not teams.claim(team_id):
            raise NoTeamAvailable(f"case {case.id}: team {team_id} is {team.status}, not available")
        chosen = eta_of(locator, replace(team, status=TeamStatus.BUSY), case.lon, case.lat) or \
            Candidate(replace(team, status=TeamStatus.BUSY), math.nan, None)
    else:
        platform = platform or case.platform
        if platform is None:
            raise CaseError(f"case {case.id}: route it to a platform before dispatching")
        # The index is as fresh as the last refresh; only when none of those it holds free can be claimed are the
        # others tried (one freed since), so the common case costs one vectorised ranking and one claim.
        found = claim_best(teams, rank_candidates(locator, platform, case.lon, case.lat, exclude=exclude)) or \
            claim_best(teams, other_candidates(locator, platform, case.lon, case.lat, exclude=exclude))
        if found is None:
            refused = f" (declined or lapsed: {', '.join(sorted(exclude))})" if exclude else ""
            raise NoTeamAvailable(f"case {case.id}: no available team of platform '{platform}'{refused}")
        # A team claimed from the others has no ETA yet (its rank was by distance alone).
        chosen = found if found.eta_s is not None else eta_of(locator, found.team, case.lon, case.lat) or found
    distance = None if math.isnan(chosen.distance_m) else round(chosen.distance_m, 1)
    assignment = assignments.add(Assignment(
        case_id=case.id, team_id=chosen.team.id, platform=chosen.team.platform, role=role,  # type: ignore[arg-type]
        dispatched_at=at, task=task, state=TaskState.OFFERED, offer_expires_at=at + locator.dispatch.offer_timeout,
        distance_m=distance, eta_s=None if chosen.eta_s is None else round(chosen.eta_s, 1)))
    return chosen.team, distance, assignment


def offer_data(team: Team, assignment: Assignment) -> dict[str, Any]:
    """Return what a case event records about an offer."""
    return {"team_id": team.id, "team_name": team.name, "assignment_id": assignment.id,
            "distance_m": assignment.distance_m, "eta_s": assignment.eta_s,
            "offer_expires_at": assignment.offer_expires_at.isoformat() if assignment.offer_expires_at else None}
