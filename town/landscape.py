"""The town's physical lines in local metres: an irregular outline, a meandering river and straight roads."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

# The outline is drawn on a 1 cm grid so its vertices read cleanly; cells are later clipped exactly.
GRID_SIZE_M = 0.01



@dataclass(frozen=True)
class NamedLine:
    """A named river or road in local metres."""

    name: str
    line: BaseGeometry


def town_outline(rng: np.random.Generator, area_m2: float, vertices: int = 96) -> Polygon:
    """Return an irregular town outline of area_m2 centred on (0, 0)."""
    theta = np.sort(rng.uniform(0, 2 * math.pi, vertices))
    radius = np.ones(vertices)
    # Low harmonics give the lobes of a real boundary; weaker high ones give its ragged survey lines.
    for k in range(2, 10):
        amplitude = rng.uniform(0.03, 0.10) if k <= 4 else rng.uniform(0.0, 0.035)
        radius += amplitude * np.cos(k * theta + rng.uniform(0, 2 * math.pi))
    radius *= rng.uniform(0.97, 1.03, vertices)
    shape = Polygon(np.column_stack([radius * np.cos(theta), radius * np.sin(theta)]))
    stretch = rng.uniform(1.1, 1.35)
    shape = affinity.rotate(affinity.scale(shape, stretch, 1 / stretch), rng.uniform(0, 180), origin=(0, 0))
    shape = affinity.scale(shape, math.sqrt(area_m2 / shape.area), math.sqrt(area_m2 / shape.area), origin=(0, 0))
    return shapely.set_precision(shape, GRID_SIZE_M)


def river_line(rng: np.random.Generator, outline: Polygon, name: str) -> NamedLine:
    """Return a meandering river that crosses the whole town near its centre."""
    half = math.dist(*np.reshape(outline.bounds, (2, 2))) / 2 + 1000
    along = np.linspace(-half, half, 160)
    wavelength, amplitude = rng.uniform(2500, 4500), rng.uniform(250, 550)
    side = amplitude * np.sin(2 * math.pi * along / wavelength + rng.uniform(0, 2 * math.pi))
    side += rng.uniform(-600, 600) + np.cumsum(rng.normal(0, 12, along.size))
    heading = rng.uniform(0, math.pi)
    c, s = math.cos(heading), math.sin(heading)
    centre = outline.centroid
    xy = np.column_stack([centre.x + along * c - side * s, centre.y + along * s + side * c])
    # A meander may leave and re-enter the town; the longest stretch inside is the river the town knows.
    pieces = shapely.get_parts(LineString(xy).intersection(outline))
    return NamedLine(name, max(pieces, key=lambda piece: piece.length))


def straight_roads(
    rng: np.random.Generator,
    outline: Polygon,
    hub: tuple[float, float],
    ends: list[tuple[float, float]],
    names: list[str],
) -> list[NamedLine]:
    """Return up to len(names) straight roads from hub to distant ends in different directions, inside the town."""
    roads: list[NamedLine] = []
    headings: list[float] = []
    for index in rng.permutation(len(ends)):
        if len(roads) == len(names):
            break
        end = ends[index]
        length = math.dist(hub, end)
        heading = math.atan2(end[1] - hub[1], end[0] - hub[0])
        # Roads fan out: each leaves the hub at least 50 degrees from the others and stays in the town.
        apart = all(abs(math.remainder(heading - h, 2 * math.pi)) > math.radians(50) for h in headings)
        line = LineString([hub, end])
        if 3000 <= length <= 10000 and apart and outline.contains(line):
            roads.append(NamedLine(names[len(roads)], line))
            headings.append(heading)
    return roads


def bearing_deg(line: BaseGeometry, distance_m: float) -> float:
    """Return the compass bearing (degrees clockwise from north) of line at distance_m along it."""
    a = line.interpolate(max(distance_m - 5, 0))
    b = line.interpolate(min(distance_m + 5, line.length))
    return math.degrees(math.atan2(b.x - a.x, b.y - a.y)) % 360
