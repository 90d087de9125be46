"""The three grid levels of the town: partitions in metres, hierarchical codes, names and staff."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon

from gis.models import Grid, GridLevel, GridStaff, StaffRole
from town.names import NameBook
from town.partition import node_coverage, partition, spread_points
from town.projection import LocalFrame

# A county-level code of Jiangsu (321283) plus a town number, in the shape of a national admin code.
TOWN_CODE = "321283101"


@dataclass(frozen=True)
class GridPlan:
    """A grid before projection: its code, names and staff, its shape and its seat (村委会) in local metres."""

    code: str
    name: str
    level: GridLevel
    parent_code: str | None
    staff: tuple[GridStaff, ...]
    shape: Polygon
    seat: tuple[float, float]


def plan_grids(rng: np.random.Generator, names: NameBook, outline: Polygon, crew: NameBook) -> list[GridPlan]:
    """Return the town, its ~65 villages and their 3-4 natural villages each, ordered by level then code.

    Each grid's head is drawn from names (as before staff had roles, so a seed keeps its town); its members,
    inspector and phones from crew, a book of its own, so adding people moves nothing else.
    """
    village_seats, child_seats, child_shapes = _split_town(rng, outline)
    village_shapes = [shapely.coverage_union_all(shapes) for shapes in child_shapes]
    town_shape = shapely.coverage_union_all(village_shapes)
    centre = _xy(town_shape.centroid.coords[0])
    town_name = names.place("镇")
    town_staff = _staff(names.person(), crew, GridLevel.TOWN)
    plans = [GridPlan(TOWN_CODE, town_name, GridLevel.TOWN, None, town_staff, town_shape, centre)]
    children: list[GridPlan] = []
    # Number villages north-west to south-east in 2 km bands, the way a hand-made register tends to run.
    order = sorted(range(len(village_seats)), key=lambda i: (-(village_seats[i][1] // 2000), village_seats[i][0]))
    for number, i in enumerate(order, start=1):
        code = f"{TOWN_CODE}{number:03d}"
        name, staff = names.place("村"), _staff(names.person(), crew, GridLevel.VILLAGE)
        seat = _xy(village_seats[i])
        plans.append(GridPlan(code, name, GridLevel.VILLAGE, TOWN_CODE, staff, village_shapes[i], seat))
        for sub, (shape, xy) in enumerate(zip(child_shapes[i], child_seats[i], strict=True), start=1):
            name, staff = names.natural_village(), _staff(names.person(), crew, GridLevel.NATURAL_VILLAGE)
            children.append(GridPlan(f"{code}{sub:03d}", name, GridLevel.NATURAL_VILLAGE, code, staff, shape, _xy(xy)))
    return plans + children


def _staff(head: str, crew: NameBook, level: GridLevel) -> tuple[GridStaff, ...]:
    """Return a grid's "one head, two members" (seed 001), and an inspector (巡查员) for a village."""
    people = [GridStaff(StaffRole.HEAD, head, crew.phone())]
    people += [GridStaff(StaffRole.MEMBER, crew.person(), crew.phone()) for _ in range(2)]
    if level == GridLevel.VILLAGE:
        people.append(GridStaff(StaffRole.INSPECTOR, crew.person(), crew.phone()))
    return tuple(people)


def _split_town(
    rng: np.random.Generator, outline: Polygon
) -> tuple[np.ndarray, list[np.ndarray], list[list[Polygon]]]:
    """Return village seats, and per village its natural villages' seats and shapes, all borders noded alike."""
    village_seats = spread_points(rng, outline, int(rng.integers(63, 68)))
    village_shapes = partition(outline, village_seats)
    child_seats = [spread_points(rng, shape, int(rng.choice([3, 4], p=[0.8, 0.2]))) for shape in village_shapes]
    child_shapes = [partition(shape, seats) for shape, seats in zip(village_shapes, child_seats, strict=True)]
    # Each village was split on its own; noding all natural villages together makes borders across villages match,
    # and the villages and the town are then rebuilt as their exact unions.
    noded = iter(node_coverage([shape for shapes in child_shapes for shape in shapes]))
    return village_seats, child_seats, [[next(noded) for _ in shapes] for shapes in child_shapes]


def central_village(plans: list[GridPlan]) -> GridPlan:
    """Return the village whose seat is nearest the town's centre: the town seat (镇区), hub of roads and markets."""
    centre = next(plan.seat for plan in plans if plan.level == GridLevel.TOWN)
    villages = [plan for plan in plans if plan.level == GridLevel.VILLAGE]
    return min(villages, key=lambda plan: (plan.seat[0] - centre[0]) ** 2 + (plan.seat[1] - centre[1]) ** 2)


def to_grids(plans: list[GridPlan], frame: LocalFrame) -> list[Grid]:
    """Return the planned grids with their boundaries in WGS-84, checked to partition exactly at every level."""
    # RFC 7946 wants exterior rings counter-clockwise; orienting here makes files and memory agree.
    shapes = shapely.orient_polygons(frame.geometries_to_wgs84([plan.shape for plan in plans]))
    grids = [
        Grid(plan.code, plan.name, plan.level, plan.parent_code, shape, plan.staff)
        for plan, shape in zip(plans, shapes, strict=True)
    ]
    for level in (GridLevel.VILLAGE, GridLevel.NATURAL_VILLAGE):
        layer = [grid.geometry for grid in grids if grid.level == level]
        # Rounding to lon/lat decimals could in theory fold a tiny cell; a generator bug must not reach a file.
        if not all(shapely.is_valid(layer)) or not shapely.coverage_is_valid(layer):
            raise RuntimeError(f"level {level.name} grids do not form a valid coverage after projection")
    return grids


def _xy(point: Sequence[float]) -> tuple[float, float]:
    return float(point[0]), float(point[1])
