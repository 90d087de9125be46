"""Road networks from GeoJSON: travel times, snapping, one-way streets, and bad files refused by feature."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cases.dispatch import rank_by_eta
from gis.roads import RoadError, RoadNetwork, build_graph
from gridwatch.dispatch_offers import load_roads
from tests.factories import LAT, LON, make_team

# About 94 m per 0.001 degree of longitude and 111 m per 0.001 of latitude here.
NORTH = LAT + 0.0027  # the far bank, about 300 m north of the case
FAR_EAST = LON + 0.03  # the only bridge, about 2.8 km east


def road(*points: tuple[float, float], **props: Any) -> dict[str, Any]:
    """Return a LineString feature through points with these properties."""
    return {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [list(p) for p in points]},
            "properties": props}


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


# A river between the case's bank and the north bank; the only crossing is a bridge far to the east.
RIVER_TOWN = collection(
    road((LON, LAT), (FAR_EAST, LAT), **{"class": "tertiary"}),  # the case's bank, 30 km/h
    road((LON, NORTH), (FAR_EAST, NORTH), speed_kmh=30),  # the north bank
    road((FAR_EAST, LAT), (FAR_EAST, NORTH), speed_kmh=30, name="bridge"),
)


def test_the_straight_line_nearest_team_across_the_river_loses_to_the_one_down_the_road() -> None:
    roads = RoadNetwork.from_geojson(RIVER_TOWN)
    across = make_team("A", lat=NORTH)  # ~300 m away as the crow flies, ~6 km by road
    along = make_team("B", lon=LON + 0.0064)  # ~600 m away on the case's own road
    ranked = rank_by_eta(roads, [(across, 300.0), (along, 600.0)], LON, LAT, k=2)
    assert [c.team.id for c in ranked] == ["B", "A"]
    eta_b, eta_a = ranked[0].eta_s, ranked[1].eta_s
    # B stands 18 m from the nearest node: 11 s on foot to it, then 584 m at 30 km/h.
    assert eta_b == pytest.approx(18 / (6 / 3.6) + 584 / (30 / 3.6), rel=0.02)
    assert eta_a == pytest.approx((2 * 2830 + 300) / (30 / 3.6), rel=0.03)


def test_re_ranking_reaches_past_k_while_a_farther_team_could_still_be_sooner() -> None:
    roads = RoadNetwork.from_geojson(RIVER_TOWN)
    across = make_team("A", lat=NORTH)
    along = make_team("B", lon=LON + 0.0064)
    # k=1 would look at A alone; A's ETA is so long that B, farther in a straight line, must be looked at too.
    ranked = rank_by_eta(roads, [(across, 300.0), (along, 600.0)], LON, LAT, k=1)
    assert [c.team.id for c in ranked] == ["B", "A"]


def test_one_way_streets_are_searched_the_right_way() -> None:
    one_way = RoadNetwork.from_geojson(collection(road((LON, LAT), (LON + 0.01, LAT), oneway=True, speed_kmh=36)))
    # From the west end to the east end: along the street, 940 m at 10 m/s.
    assert one_way.etas_to(LON + 0.01, LAT, [LON], [LAT])[0] == pytest.approx(94, rel=0.02)
    # The other way the street is closed: straight across on foot (6 km/h) is all there is.
    assert one_way.etas_to(LON, LAT, [LON + 0.01], [LAT])[0] == pytest.approx(940 / (6 / 3.6), rel=0.02)


def test_a_point_off_the_road_walks_to_its_nearest_node_and_long_roads_have_nodes_every_100_m() -> None:
    roads = RoadNetwork.from_geojson(collection(road((LON, LAT), (LON + 0.05, LAT), speed_kmh=36)))
    assert len(roads) == 48  # 4.7 km in 47 pieces of at most 100 m
    snap = roads.snap([LON + 20 * 0.05 / 47], [LAT + 0.0009])  # 100 m north of the road's 21st node
    assert snap.off_m[0] == pytest.approx(100, abs=0.5) and snap.nodes[0] == 20
    assert roads.connected()


def test_lines_meet_only_where_they_share_a_vertex() -> None:
    apart = RoadNetwork.from_geojson(collection(road((LON, LAT), (LON + 0.001, LAT)),
                                                road((LON + 0.002, LAT), (LON + 0.003, LAT))))
    joined = RoadNetwork.from_geojson(collection(road((LON, LAT), (LON + 0.001, LAT)),
                                                 road((LON + 0.001, LAT), (LON + 0.003, LAT))))
    assert not apart.connected() and joined.connected()


@pytest.mark.parametrize(("feature", "says"), [
    ({"type": "Feature", "geometry": {"type": "Point", "coordinates": [LON, LAT]}, "properties": {}},
     "feature 0: geometry type 'Point': roads are LineString or MultiLineString"),
    (road((LON, LAT)), "feature 0: a line needs at least two positions"),
    (road((LON, LAT), (500000.0, 3500000.0)), "feature 0: position 1 [500000.0, 3500000.0]: outside WGS-84"),
    (road((LON, LAT), (LON + 0.01, LAT), speed_kmh=0), "feature 0: property 'speed_kmh' 0"),
    (road((LON, LAT), (LON + 0.01, LAT), speed_kmh="fast"), "feature 0: property 'speed_kmh' 'fast'"),
    (road((LON, LAT), (LON + 0.01, LAT), oneway="maybe"), "feature 0: property 'oneway' 'maybe'"),
    (road((LON, LAT), (LON + 0.01, LAT), **{"class": 3}), "feature 0: property 'class' 3"),
    ({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[LON, "x"], [LON, LAT]]}},
     "feature 0: position 0"),
])
def test_bad_features_are_refused_naming_the_feature_and_what_is_wrong(feature: dict[str, Any], says: str) -> None:
    with pytest.raises(RoadError) as refused:
        build_graph(collection(feature))
    assert says in str(refused.value)


def test_every_bad_feature_is_listed_not_only_the_first() -> None:
    good = road((LON, LAT), (LON + 0.01, LAT))
    with pytest.raises(RoadError, match=r"2 bad feature\(s\): feature 1: .*; feature 3: "):
        build_graph(collection(good, road((LON, LAT)), good, road((LON, LAT), (LON, LAT + 0.01), oneway=2)))


@pytest.mark.parametrize(("data", "says"), [
    ({"type": "Feature"}, "expected a GeoJSON FeatureCollection"),
    (collection(), "'features' must be a non-empty list"),
    (collection(road((LON, LAT), (LON, LAT))), "no feature has two distinct points"),
])
def test_files_that_are_not_road_networks_are_refused(data: dict[str, Any], says: str) -> None:
    with pytest.raises(RoadError, match=says):
        RoadNetwork.from_geojson(data)


def test_a_road_file_that_is_not_json_is_refused_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "roads.geojson"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(RoadError, match="roads.geojson: cannot read it as JSON"):
        load_roads(bad)
    bad.write_text(json.dumps(collection({"type": "Feature", "geometry": None})), encoding="utf-8")
    with pytest.raises(RoadError, match="roads.geojson: road file: 1 bad feature"):
        load_roads(bad)


def test_the_cli_checks_a_road_file_and_puts_it_where_start_up_loads_it(tmp_path: Path, monkeypatch: Any) -> None:
    from typer.testing import CliRunner

    from gridwatch.cli import app

    good, bad = tmp_path / "in.geojson", tmp_path / "bad.geojson"
    good.write_text(json.dumps(RIVER_TOWN), encoding="utf-8")
    bad.write_text(json.dumps(collection(road((LON, LAT), (LON + 0.01, LAT), speed_kmh=-5))), encoding="utf-8")
    monkeypatch.setenv("GRIDWATCH_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    refused = runner.invoke(app, ["roads", "load", str(bad)])
    assert refused.exit_code == 1 and "feature 0: property 'speed_kmh' -5" in refused.output
    assert not (tmp_path / "data" / "town" / "roads.geojson").exists()
    loaded = runner.invoke(app, ["roads", "load", str(good)])
    assert loaded.exit_code == 0, loaded.output
    assert "one connected network" in loaded.output
    assert json.loads((tmp_path / "data" / "town" / "roads.geojson").read_text(encoding="utf-8")) == RIVER_TOWN
