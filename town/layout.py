"""The metric town that cameras, sensors and teams are placed in, with the helpers to place them."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from gis.models import GridLevel
from town.grids import GridPlan, central_village
from town.landscape import NamedLine
from town.projection import LocalFrame

# Things are kept this far inside the border so lon/lat rounding can never push one outside the town.
BORDER_MARGIN_M = 15.0
# Point positions keep 7 decimals of a degree, about a centimetre.
LON_LAT_DECIMALS = 7


class Layout:
    """The town in local metres: outline, grids, river and roads; places points inside it."""

    def __init__(self, frame: LocalFrame, plans: list[GridPlan], river: NamedLine, roads: list[NamedLine]) -> None:
        self.frame = frame
        self.town = next(plan.shape for plan in plans if plan.level == GridLevel.TOWN)
        self.villages = [plan for plan in plans if plan.level == GridLevel.VILLAGE]
        self.hamlets = [plan for plan in plans if plan.level == GridLevel.NATURAL_VILLAGE]
        self.river = river
        self.roads = roads
        self._inner: Polygon = self.town.buffer(-BORDER_MARGIN_M)
        shapely.prepare(self._inner)
        self._village_index = STRtree([plan.shape for plan in self.villages])
        self.central_village = central_village(plans)

    def village_at(self, xy: tuple[float, float]) -> GridPlan:
        """Return the village containing a point that lies inside the town."""
        hits = self._village_index.query(Point(xy), predicate="intersects")
        return self.villages[int(min(hits))]

    def inside(self, xy: tuple[float, float]) -> bool:
        """Return whether a point lies safely inside the town."""
        return bool(shapely.contains_xy(self._inner, *xy))

    def scatter(self, rng: np.random.Generator, centre: tuple[float, float], sigma_m: float) -> tuple[float, float]:
        """Return a point scattered normally around centre, redrawn until it falls inside the town."""
        for _ in range(50):
            xy = (centre[0] + rng.normal(0, sigma_m), centre[1] + rng.normal(0, sigma_m))
            if self.inside(xy):
                return xy
        return _coords(nearest_points(self._inner, Point(centre))[0])

    def beside(self, rng: np.random.Generator, line: BaseGeometry, offset_m: float) -> tuple[float, float, float]:
        """Return (x, y, distance along line) of a point offset_m from a random point of line, inside the town."""
        for _ in range(50):
            along = rng.uniform(0, line.length)
            on = line.interpolate(along)
            angle = rng.uniform(0, 2 * math.pi)
            xy = (on.x + offset_m * math.cos(angle), on.y + offset_m * math.sin(angle))
            if self.inside(xy):
                return (*xy, along)
        raise RuntimeError("no point beside the line lies inside the town")

    def lon_lat(self, xy: tuple[float, float]) -> tuple[float, float]:
        """Return a local point as WGS-84 (lon, lat) rounded to about a centimetre."""
        lon, lat = self.frame.lon_lat(np.array([xy]))[0]
        return round(float(lon), LON_LAT_DECIMALS), round(float(lat), LON_LAT_DECIMALS)


def short_name(plan: GridPlan) -> str:
    """Return a village name without its 村 suffix, as used in road sections (兴业路丰乐段)."""
    return plan.name.removesuffix("村")


def _coords(point: Point) -> tuple[float, float]:
    return point.x, point.y
