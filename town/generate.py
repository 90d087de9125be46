"""Generate a believable synthetic town from a seed: the same seed always gives the same town."""

from __future__ import annotations

import logging
import time

import numpy as np

from town.cameras import place_cameras
from town.grids import GridPlan, central_village, plan_grids, to_grids
from town.landscape import river_line, straight_roads, town_outline
from town.layout import Layout
from town.models import Town
from town.roads import road_network
from town.names import NameBook
from town.projection import LocalFrame
from town.sensors import place_sensors
from town.teams import place_teams

logger = logging.getLogger(__name__)

# A Jiangsu plain town north of the Yangtze (seed 001 reports 176 km² and 65 villages).
CENTRE_LON, CENTRE_LAT = 120.0, 32.3
AREA_KM2 = 170.0
# The grid staff's members, inspectors and phones come from a stream of their own (see plan_grids).
STAFF_STREAM = 1


def generate_town(seed: int) -> Town:
    """Return the town of seed: ~65 villages, ~210 natural villages, ~700 cameras, ~100 sensors, ~20 teams."""
    started = time.perf_counter()
    rng, names, frame, plans, layout = _plan(seed)
    devices = place_sensors(rng, layout)
    town = Town(
        grids=to_grids(plans, frame),
        devices=devices,
        cameras=place_cameras(rng, layout, devices),
        teams=place_teams(rng, layout, names),
        seed=seed,
        roads=road_network(layout),  # from the layout alone: it draws nothing, so the rest of the town is unchanged
    )
    logger.info(
        "generated town",
        extra={
            "seed": seed,
            "grids": len(town.grids),
            "cameras": len(town.cameras),
            "devices": len(town.devices),
            "teams": len(town.teams),
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return town


def village_centres(seed: int) -> list[tuple[float, float]]:
    """Return the WGS-84 (lon, lat) seat (村委会) of every village of the town of seed."""
    layout = _plan(seed)[4]
    return [layout.lon_lat(plan.seat) for plan in layout.villages]


def _plan(seed: int) -> tuple[np.random.Generator, NameBook, LocalFrame, list[GridPlan], Layout]:
    """Return the generator, name book, frame, grid plans and layout of the town of seed, before anything is placed."""
    rng = np.random.default_rng(seed)
    names = NameBook(rng)
    frame = LocalFrame(CENTRE_LON, CENTRE_LAT)

    outline = town_outline(rng, AREA_KM2 * 1e6 * rng.uniform(0.96, 1.04))
    plans = plan_grids(rng, names, outline, NameBook(np.random.default_rng([seed, STAFF_STREAM])))
    river = river_line(rng, outline, names.river())
    seats = [plan.seat for plan in plans if plan.parent_code == plans[0].code]
    road_names = [names.road() for _ in range(int(rng.integers(5, 8)))]
    roads = straight_roads(rng, outline, central_village(plans).seat, seats, road_names)
    return rng, names, frame, plans, Layout(frame, plans, river, roads)
