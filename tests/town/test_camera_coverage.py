"""The generated town's cameras see what matters: every sensor site and the centres of the villages."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Geod

from cases.locator import Locator
from town.generate import village_centres
from town.models import Town

SEED = 7  # the demo's town, as in conftest

GEOD = Geod(ellps="WGS84")
NEAR_CENTRE_M = 150.0


def _locator(town: Town) -> Locator:
    return Locator.of_cameras(town.cameras)


def test_town_keeps_about_700_cameras(town7: Town) -> None:
    assert 680 <= len(town7.cameras) <= 720


def test_most_sensor_sites_are_seen_by_a_camera(town7: Town) -> None:
    locator = _locator(town7)
    seen = [bool(locator.covering_cameras(d.lon, d.lat, limit=1)) for d in town7.devices]
    assert sum(seen) / len(seen) >= 0.8, f"{sum(seen)} of {len(seen)} sensor sites seen"


def test_most_points_near_village_centres_are_seen_by_a_camera(town7: Town) -> None:
    locator = _locator(town7)
    rng = np.random.default_rng(2024)
    outline = town7.town_grid.geometry
    points = []
    for lon, lat in village_centres(SEED):
        bearings = rng.uniform(0, 360, 10)
        distances = NEAR_CENTRE_M * np.sqrt(rng.uniform(0, 1, 10))  # uniform over the disc
        lons, lats, _ = GEOD.fwd(np.full(10, lon), np.full(10, lat), bearings, distances)
        points += [(x, y) for x, y in zip(lons, lats, strict=True) if shapely.contains_xy(outline, x, y)]
    assert len(points) > 500
    seen = [bool(locator.covering_cameras(x, y, limit=1)) for x, y in points]
    assert sum(seen) / len(seen) >= 0.8, f"{sum(seen)} of {len(seen)} points near village centres seen"
