"""Dispatch at start-up (the road network, the offer timeout) and on the clock (offers that lapsed)."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from pathlib import Path

from cases.clock import CaseClock
from cases.dispatch_policy import DispatchPolicy
from cases.errors import CaseError
from cases.locator import Locator
from cases.offer_use_cases import expire_offer_and_announce
from cases.offers import lapsed_offers
from gis.roads import RoadError, RoadNetwork
from gridwatch.settings import Settings
from storage import Store

logger = logging.getLogger(__name__)

ROADS_FILE = "roads.geojson"


def load_roads(path: Path) -> RoadNetwork:
    """Read a GeoJSON road file into a network, or raise RoadError naming the file and what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RoadError(f"{path}: cannot read it as JSON ({exc})") from exc
    try:
        return RoadNetwork.from_geojson(data)
    except RoadError as exc:
        raise RoadError(f"{path}: {exc}") from exc


def roads_path(settings: Settings) -> Path | None:
    """Return the road file the settings name, else the town folder's when it exists, else None."""
    if settings.roads_file is not None:
        return settings.roads_file
    default = settings.data_dir / "town" / ROADS_FILE
    return default if default.is_file() else None


def configure_dispatch(locator: Locator, settings: Settings) -> DispatchPolicy:
    """Give the locator the dispatch policy of the settings; a named road file that is bad stops the start."""
    path = roads_path(settings)
    roads = load_roads(path) if path is not None else None
    if roads is not None:
        logger.info("road network loaded from %s: %d nodes, %d edges", path, len(roads),
                    roads.graph.number_of_edges())
    locator.dispatch = DispatchPolicy(roads=roads, offer_timeout=timedelta(seconds=settings.dispatch_offer_timeout_s))
    return locator.dispatch


def expire_offers(store: Store, locator: Locator, *, now: datetime,
                  case_clock: CaseClock | None = None) -> str:
    """Treat every offer that lapsed by now as declined: free its team and offer the next nearest; say what it did."""
    with store.read_only() as uow:
        lapsed = lapsed_offers(uow.assignments, now=now)
    expired, reoffered, withdrawn = 0, 0, 0
    for offer in lapsed:
        # One unit of work per case: a lapse racing the team's accept is decided by the case's lock, not lost.
        try:
            with store.unit_of_work() as uow:
                locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
                answer = expire_offer_and_announce(uow, locator=locator, case_id=offer.case_id,
                                                   assignment_id=offer.id, now=now,  # type: ignore[arg-type]
                                                   case_clock=case_clock)
        except CaseError as exc:
            logger.info("offer %s not expired: %s", offer.id, exc)
            continue
        expired += 1
        reoffered += answer.outcome.offered is not None
        withdrawn += answer.withdrawn is not None
    return f"{expired} offers lapsed: {reoffered} offered to the next team, {withdrawn} cases without a team"
