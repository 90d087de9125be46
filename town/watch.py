"""Cameras where a town puts them on purpose: at village seats, the central crossroads, bridges and every sensor."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Point

from iot.models import Device, SensorKind
from town.layout import Layout, short_name

# A sensor's camera stands this far from it (metres) and looks at it, give or take a little.
SENSOR_CAMERA_DISTANCE_M = (15.0, 45.0)
# The 村委会 dome sees the village centre all round; its range covers the square and the lanes off it.
SEAT_DOME_RANGE_M = (170.0, 200.0)
SEAT_DOME_OFFSET_M = 15.0
# Junction cameras stand a little way up each leg of the central crossroads and look back into it.
JUNCTION_CAMERA_DISTANCE_M = (20.0, 40.0)
SENSOR_OWNERS = {
    SensorKind.WATER_LEVEL: "water",
    SensorKind.NOISE: "traffic",
    SensorKind.AIR_QUALITY: "town",
    SensorKind.SMOKE: "police",
    SensorKind.COLD_CHAIN: "town",
    SensorKind.CARE_BUTTON: "town",
}


@dataclass(frozen=True, slots=True)
class Watch:
    """A camera placed to watch something: local position, bearing, view, owner and base name."""

    xy: tuple[float, float]
    bearing_deg: float
    fov_deg: float
    range_m: float
    owner: str
    name: str
    dome: bool
    height_m: float


def watched_sites(rng: np.random.Generator, layout: Layout, sensors: list[Device]) -> list[Watch]:
    """Return the cameras a town puts on purpose: one per village seat, junction leg, bridge and sensor."""
    watches = [_seat_dome(rng, layout, plan.seat, f"{plan.name}村委会") for plan in layout.villages]
    watches += _junction(rng, layout)
    watches += _bridges(rng, layout)
    watches += [_sensor_camera(rng, layout, sensor) for sensor in sensors]
    return watches


def _height(rng: np.random.Generator) -> float:
    return round(float(rng.uniform(4.0, 12.0)) * 2) / 2


def _seat_dome(rng: np.random.Generator, layout: Layout, at: tuple[float, float], name: str,
               owner: str = "police") -> Watch:
    xy = layout.scatter(rng, at, SEAT_DOME_OFFSET_M / 2)
    return Watch(xy, float(rng.uniform(0, 360)), 360.0, float(5 * rng.integers(34, 41)), owner, name, True,
                 _height(rng))


def _looking_at(rng: np.random.Generator, layout: Layout, target: tuple[float, float], distance_m: float,
                heading: float | None = None) -> tuple[tuple[float, float], float]:
    """Return a position distance_m from target inside the town and the bearing from it to target."""
    for _ in range(50):
        angle = float(rng.uniform(0, 360)) if heading is None else heading
        theta = math.radians(angle)
        xy = (target[0] + distance_m * math.sin(theta), target[1] + distance_m * math.cos(theta))
        if layout.inside(xy):
            return xy, (angle + 180.0) % 360
        heading = None
    return target, float(rng.uniform(0, 360))


def _fixed(rng: np.random.Generator, layout: Layout, target: tuple[float, float], distance_m: float, owner: str,
           name: str, heading: float | None = None) -> Watch:
    """Return a fixed camera distance_m from target that has target well inside its view."""
    xy, bearing = _looking_at(rng, layout, target, distance_m, heading)
    fov = float(rng.integers(60, 111))
    # Aimed by hand on the pole: the target sits within the middle half of the picture.
    bearing += float(np.clip(rng.normal(0, fov / 8), -fov / 4, fov / 4))
    reach = min(200.0, max(60.0, 5 * math.ceil((distance_m + float(rng.uniform(30, 120))) / 5)))
    return Watch(xy, round(bearing, 1) % 360, fov, reach, owner, name, False, _height(rng))


def _junction(rng: np.random.Generator, layout: Layout) -> list[Watch]:
    """Return one camera per road leaving the central crossroads, up the leg and looking into the junction."""
    hub = layout.central_village.seat
    watches = []
    for road in layout.roads:
        start = road.line.coords[0]
        end = road.line.coords[-1]
        heading = math.degrees(math.atan2(end[0] - start[0], end[1] - start[1])) % 360
        distance = float(rng.uniform(*JUNCTION_CAMERA_DISTANCE_M))
        name = f"{short_name(layout.central_village)}中心路口{road.name}方向"
        watches.append(_fixed(rng, layout, hub, distance, "traffic", name, heading=heading))
    return watches


def _bridges(rng: np.random.Generator, layout: Layout) -> list[Watch]:
    """Return a dome at each bridge where a road crosses the river (traffic and water both watch bridges)."""
    watches = []
    for road in layout.roads:
        crossing = road.line.intersection(layout.river.line)
        for part in shapely.get_parts(crossing):
            if isinstance(part, Point):
                watches.append(_seat_dome(rng, layout, (part.x, part.y), f"{road.name}{layout.river.name}桥",
                                          owner="traffic"))
    return watches


def _sensor_camera(rng: np.random.Generator, layout: Layout, sensor: Device) -> Watch:
    """Return a fixed camera looking at a sensor's site (the hot spot an alarm will point to)."""
    target = tuple(layout.frame.metres(np.array([[sensor.lon, sensor.lat]]))[0])
    distance = float(rng.uniform(*SENSOR_CAMERA_DISTANCE_M))
    return _fixed(rng, layout, (float(target[0]), float(target[1])), distance, SENSOR_OWNERS[sensor.kind],
                  f"{sensor.name}监控")
