"""The synthetic town's roads: connected, through every village seat, near every team, loaded at start-up."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cases.locator import Locator
from gis.roads import RoadNetwork
from gridwatch.dispatch_offers import configure_dispatch
from gridwatch.settings import Settings
from town.generate import _plan, village_centres
from town.models import Town
from town.roads import road_network
from tests.town.conftest import SEED


def test_the_town_s_roads_are_one_connected_network_through_every_village_seat(town7: Town) -> None:
    assert town7.roads is not None
    roads = RoadNetwork.from_geojson(town7.roads)
    assert roads.connected()
    seats = np.array(village_centres(SEED))
    assert float(roads.snap(seats[:, 0], seats[:, 1]).off_m.max()) < 0.05  # every seat is on the network
    classes = {f["properties"]["class"] for f in town7.roads["features"]}
    assert classes == {"primary", "secondary", "local"}


def test_every_team_is_a_short_walk_from_a_road_and_etas_are_finite(town7: Town) -> None:
    roads = RoadNetwork.from_geojson(town7.roads)  # type: ignore[arg-type]
    lons = np.array([t.lon for t in town7.teams])
    lats = np.array([t.lat for t in town7.teams])
    assert float(roads.snap(lons, lats).off_m.max()) < 400
    etas = roads.etas_to(float(lons[0]), float(lats[0]), lons, lats)
    assert np.isfinite(etas).all() and etas[0] < 600


def test_the_roads_come_from_the_seed_alone(town7: Town) -> None:
    assert road_network(_plan(SEED)[4]) == town7.roads


def test_the_town_files_carry_the_roads_and_start_up_loads_them(town7: Town, town_dir: Path, tmp_path: Path) -> None:
    assert (town_dir / "roads.geojson").is_file()
    data_dir = town_dir.parent  # the demo keeps its town in data_dir/town
    locator = Locator()
    policy = configure_dispatch(locator, Settings(data_dir=data_dir, dispatch_offer_timeout_s=90))
    assert policy.roads is not None and len(policy.roads) > 1000 and policy.offer_timeout.total_seconds() == 90
    assert locator.dispatch is policy
    assert configure_dispatch(Locator(), Settings(data_dir=tmp_path / "none")).roads is None
