"""A road network from GeoJSON lines: a networkx graph of travel times, snapping, and ETAs from many places to one."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from gis.errors import GisError
from gis.geometry import EARTH_RADIUS_M, haversine_many_m

# Speeds by road class (km/h) when a feature names no speed_kmh: a town's roads, not a motorway's.
SPEED_BY_CLASS: dict[str, float] = {
    "primary": 60.0, "secondary": 40.0, "tertiary": 30.0, "residential": 20.0, "local": 20.0, "track": 10.0,
}
DEFAULT_SPEED_KMH = 30.0
# Off the network (from a point to its nearest road node, or straight across): walking pace with gear, 6 km/h.
OFF_ROAD_KMH = 6.0
# Vertices closer than this many decimals of a degree (about 1 cm) are one node: lines meet where they share one.
NODE_DECIMALS = 7
MAX_SPEED_KMH = 200.0
# Long segments get nodes every this many metres: a point is snapped to a node, so none lies far from one.
MAX_SEGMENT_M = 100.0
ONEWAY_YES = (True, "yes", "true", "1", 1)
ONEWAY_NO = (False, "no", "false", "0", 0, None)


class RoadError(GisError):
    """A road file that cannot be used; the message names the feature and what is wrong."""


@dataclass(frozen=True, slots=True)
class Snap:
    """Where points meet the network: the node of each and the metres from the point to it."""

    nodes: np.ndarray
    off_m: np.ndarray


class RoadNetwork:
    """Roads as a directed graph of nodes (lon, lat) and edges weighted by travel time in seconds.

    graph is the networkx view (attributes: length_m, time_s, road class); the searches run on a CSR copy of it
    with scipy's Dijkstra, an order of magnitude faster than networkx's on the same graph.
    """

    def __init__(self, graph: nx.DiGraph, *, off_road_kmh: float = OFF_ROAD_KMH) -> None:
        if graph.number_of_nodes() == 0:
            raise RoadError("road network: no roads; give at least one LineString of two distinct points")
        self.graph = graph
        self.off_road_mps = off_road_kmh / 3.6
        count = graph.number_of_nodes()
        coords = np.array([graph.nodes[i]["lon_lat"] for i in range(count)], dtype=float)
        self._lons, self._lats = coords[:, 0], coords[:, 1]
        # A local equirectangular frame is exact enough for snapping within a town (errors well under 1 %).
        self._lat0 = float(np.mean(self._lats))
        self._kx = math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(self._lat0))
        self._ky = math.radians(1) * EARTH_RADIUS_M
        self._tree = cKDTree(np.column_stack([self._lons * self._kx, self._lats * self._ky]))
        rows, cols, times = [], [], []
        for a, b, data in graph.edges(data=True):
            rows.append(a)
            cols.append(b)
            times.append(data["time_s"])
        # Reversed (to -> from): one search from the case gives every node's time *to* the case, one-way streets kept.
        self._to_case = csr_array((np.array(times, dtype=float), (np.array(cols), np.array(rows))),
                                  shape=(count, count))
        self.max_speed_mps = max(max((d["speed_kmh"] for *_, d in graph.edges(data=True)), default=0.0),
                                 off_road_kmh) / 3.6

    @classmethod
    def from_geojson(cls, data: Mapping[str, Any], *, off_road_kmh: float = OFF_ROAD_KMH) -> RoadNetwork:
        """Return the network of a GeoJSON FeatureCollection of WGS-84 lines; RoadError names each bad feature."""
        return cls(build_graph(data), off_road_kmh=off_road_kmh)

    def __len__(self) -> int:
        return self.graph.number_of_nodes()

    def snap(self, lons: Sequence[float] | np.ndarray, lats: Sequence[float] | np.ndarray) -> Snap:
        """Return the nearest node of each WGS-84 point and how far it is (metres)."""
        lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        _, nodes = self._tree.query(np.column_stack([lons * self._kx, lats * self._ky]))
        nodes = np.asarray(nodes, dtype=np.int64)
        return Snap(nodes, haversine_many_m_pairs(lons, lats, self._lons[nodes], self._lats[nodes]))

    def etas_to(self, lon: float, lat: float, lons: Sequence[float] | np.ndarray, lats: Sequence[float] | np.ndarray,
                *, cutoff_s: float = math.inf) -> np.ndarray:
        """Return the seconds from each WGS-84 origin to (lon, lat): off road to the network, along it, off road again.

        An origin the search does not reach within cutoff_s (another component of the network, a one-way street the
        wrong way) falls back to going straight across off road: slow, but never unknown.
        """
        lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        if lons.size == 0:
            return np.empty(0)
        target = self.snap([lon], [lat])
        origins = self.snap(lons, lats)
        along = dijkstra(self._to_case, directed=True, indices=int(target.nodes[0]), limit=cutoff_s)
        by_road = origins.off_m / self.off_road_mps + along[origins.nodes] + float(target.off_m[0]) / self.off_road_mps
        across = haversine_many_m(lon, lat, lons, lats) / self.off_road_mps
        return np.where(np.isfinite(by_road), by_road, across)

    def connected(self) -> bool:
        """Return whether every node can reach every other one, ignoring one-way restrictions."""
        return bool(nx.is_weakly_connected(self.graph))


def haversine_many_m_pairs(lons1: np.ndarray, lats1: np.ndarray, lons2: np.ndarray, lats2: np.ndarray) -> np.ndarray:
    """Return the great-circle metres between pairs of WGS-84 points."""
    p1, p2 = np.radians(lats1), np.radians(lats2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lons2 - lons1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def build_graph(data: Mapping[str, Any]) -> nx.DiGraph:
    """Return the directed graph of a road FeatureCollection; every bad feature is refused with its number and why."""
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        raise RoadError("road file: expected a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise RoadError("road file: 'features' must be a non-empty list of LineString features")
    graph = nx.DiGraph()
    nodes: dict[tuple[float, float], int] = {}
    errors: list[str] = []
    for number, feature in enumerate(features):
        try:
            lines, speed, oneway, road_class = _read_feature(feature)
        except RoadError as exc:
            errors.append(f"feature {number}: {exc}")
            continue
        for line in lines:
            ids = [_node(graph, nodes, point) for point in _densified(line)]
            for a, b in zip(ids, ids[1:]):
                if a != b:
                    _add_edge(graph, a, b, speed, road_class)
                    if not oneway:
                        _add_edge(graph, b, a, speed, road_class)
    if errors:
        shown = "; ".join(errors[:10])
        raise RoadError(f"road file: {len(errors)} bad feature(s): {shown}" + ("; ..." if len(errors) > 10 else ""))
    if graph.number_of_edges() == 0:
        raise RoadError("road file: no feature has two distinct points; nothing to travel along")
    return graph


def _read_feature(feature: Any) -> tuple[list[list[tuple[float, float]]], float, bool, str]:
    """Return a feature's lines, speed (km/h), whether it is one-way and its class; raise RoadError saying why not."""
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise RoadError("not a GeoJSON Feature")
    geometry = feature.get("geometry")
    kind = geometry.get("type") if isinstance(geometry, Mapping) else None
    if kind == "LineString":
        parts = [geometry.get("coordinates")]  # type: ignore[union-attr]
    elif kind == "MultiLineString":
        parts = geometry.get("coordinates")  # type: ignore[union-attr]
        if not isinstance(parts, list):
            raise RoadError("MultiLineString coordinates must be a list of lines")
    else:
        raise RoadError(f"geometry type {kind!r}: roads are LineString or MultiLineString")
    lines = [_line(part) for part in parts]
    props = feature.get("properties") or {}
    if not isinstance(props, Mapping):
        raise RoadError("'properties' must be an object")
    road_class = props.get("class", "")
    if not isinstance(road_class, str):
        raise RoadError(f"property 'class' {road_class!r}: give a string such as 'primary'")
    speed = props.get("speed_kmh")
    if speed is None:
        speed = SPEED_BY_CLASS.get(road_class, DEFAULT_SPEED_KMH)
    if isinstance(speed, bool) or not isinstance(speed, int | float) or not 0 < speed <= MAX_SPEED_KMH:
        raise RoadError(f"property 'speed_kmh' {speed!r}: give a number above 0 and at most {MAX_SPEED_KMH:g}")
    oneway = props.get("oneway")
    if oneway not in ONEWAY_YES and oneway not in ONEWAY_NO:
        raise RoadError(f"property 'oneway' {oneway!r}: give true or false")
    return lines, float(speed), oneway in ONEWAY_YES, road_class


def _line(coords: Any) -> list[tuple[float, float]]:
    """Return a line's (lon, lat) points, rounded to the node grid, or raise RoadError."""
    if not isinstance(coords, list) or len(coords) < 2:
        raise RoadError("a line needs at least two positions")
    points = []
    for i, position in enumerate(coords):
        if (not isinstance(position, list | tuple) or len(position) < 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])):
            raise RoadError(f"position {i} {position!r}: give [lon, lat] numbers")
        lon, lat = float(position[0]), float(position[1])
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            raise RoadError(f"position {i} [{lon}, {lat}]: outside WGS-84 lon/lat (is the file in another CRS?)")
        points.append((round(lon, NODE_DECIMALS), round(lat, NODE_DECIMALS)))
    return points


def _densified(line: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Return the line with points added so that no segment is longer than MAX_SEGMENT_M."""
    points = [line[0]]
    for (lon1, lat1), (lon2, lat2) in zip(line, line[1:]):
        length = float(haversine_many_m(lon1, lat1, np.array([lon2]), np.array([lat2]))[0])
        pieces = max(1, math.ceil(length / MAX_SEGMENT_M))
        for i in range(1, pieces):
            f = i / pieces
            points.append((round(lon1 + f * (lon2 - lon1), NODE_DECIMALS),
                           round(lat1 + f * (lat2 - lat1), NODE_DECIMALS)))
        points.append((lon2, lat2))
    return points


def _node(graph: nx.DiGraph, nodes: dict[tuple[float, float], int], point: tuple[float, float]) -> int:
    node = nodes.get(point)
    if node is None:
        node = nodes[point] = len(nodes)
        graph.add_node(node, lon_lat=point)
    return node


def _add_edge(graph: nx.DiGraph, a: int, b: int, speed_kmh: float, road_class: str) -> None:
    """Add a→b, or keep the faster of two roads between the same nodes."""
    (lon1, lat1), (lon2, lat2) = graph.nodes[a]["lon_lat"], graph.nodes[b]["lon_lat"]
    length = float(haversine_many_m(lon1, lat1, np.array([lon2]), np.array([lat2]))[0])
    time_s = length / (speed_kmh / 3.6)
    if graph.has_edge(a, b) and graph.edges[a, b]["time_s"] <= time_s:
        return
    graph.add_edge(a, b, length_m=length, time_s=time_s, speed_kmh=speed_kmh, road_class=road_class)
