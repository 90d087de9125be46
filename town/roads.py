"""The town's road network: its named trunk roads, village roads joining every village seat, lanes to hamlets."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial.distance import cdist

from town.layout import Layout

# Road classes and speeds as gis.roads reads them (km/h).
TRUNK, VILLAGE, LANE = ("primary", 60), ("secondary", 40), ("local", 20)


def road_network(layout: Layout) -> dict[str, Any]:
    """Return the roads as a GeoJSON FeatureCollection of WGS-84 lines, deterministic from the layout.

    The named trunk roads (the ones road cameras and noise sensors stand beside) fan out from the town seat; a
    minimum spanning tree of village roads joins the town seat and every village seat, so the network is connected;
    a lane runs from each hamlet's seat to its village's seat, where the field teams are stationed.
    """
    features = [_feature([layout.lon_lat(xy) for xy in road.line.coords], TRUNK, road.name) for road in layout.roads]
    hub = layout.central_village.seat
    seats = [hub] + [plan.seat for plan in layout.villages if plan.seat != hub]
    tree = minimum_spanning_tree(cdist(np.array(seats), np.array(seats))).tocoo()
    for a, b in sorted(zip(tree.row.tolist(), tree.col.tolist())):
        features.append(_feature([layout.lon_lat(seats[a]), layout.lon_lat(seats[b])], VILLAGE, ""))
    by_code = {plan.code: plan for plan in layout.villages}
    for hamlet in layout.hamlets:
        village = by_code.get(hamlet.parent_code or "")
        if village is not None and math.dist(hamlet.seat, village.seat) > 1.0:
            features.append(_feature([layout.lon_lat(hamlet.seat), layout.lon_lat(village.seat)], LANE, ""))
    return {"type": "FeatureCollection", "features": features}


def _feature(points: list[tuple[float, float]], kind: tuple[str, int], name: str) -> dict[str, Any]:
    road_class, speed = kind
    return {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [list(p) for p in points]},
            "properties": {"class": road_class, "speed_kmh": speed, "name": name}}
