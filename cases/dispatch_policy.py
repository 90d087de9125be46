"""How dispatch ranks and offers, set once at start-up and held by the Locator beside the team index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from gis.roads import RoadNetwork

DEFAULT_OFFER_TIMEOUT = timedelta(seconds=180)
# Straight-line candidates re-ranked by road time at least (cases.dispatch.rank_by_eta widens it when needed).
ETA_CANDIDATES = 16


@dataclass(frozen=True, slots=True)
class DispatchPolicy:
    """The road network (None: straight line), how long an offer stands, how many candidates the ETA re-ranks."""

    roads: RoadNetwork | None = None
    offer_timeout: timedelta = DEFAULT_OFFER_TIMEOUT
    eta_candidates: int = ETA_CANDIDATES
