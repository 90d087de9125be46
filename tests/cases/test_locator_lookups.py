"""The command room's radius lookups through the locator, fed from a real store on both backends."""

from __future__ import annotations

from cases.locator import Locator
from cases.models import Platform
from gis.geometry import offset_lon_lat
from storage import Store
from tests.factories import LAT, LON, make_box_town, make_camera, make_team


def test_teams_and_cameras_within_a_radius_come_nearest_first_from_the_store(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([
            make_team("gov-1", lon=offset_lon_lat(LON, LAT, 90, 300)[0], lat=LAT),
            make_team("gov-2", lon=offset_lon_lat(LON, LAT, 90, 100)[0], lat=LAT),
            make_team("mkt-1", platform=Platform.MARKET, lon=offset_lon_lat(LON, LAT, 270, 50)[0], lat=LAT),
            make_team("gov-far", lon=offset_lon_lat(LON, LAT, 90, 900)[0], lat=LAT),
        ])
        uow.cameras.upsert_many([make_camera("cam-near", lon=offset_lon_lat(LON, LAT, 0, 40)[0],
                                             lat=offset_lon_lat(LON, LAT, 0, 40)[1]),
                                 make_camera("cam-far", lon=offset_lon_lat(LON, LAT, 0, 700)[0],
                                             lat=offset_lon_lat(LON, LAT, 0, 700)[1])])
        uow.grids.replace_all(make_box_town())
    locator = Locator()
    with store.read_only() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
    assert [r.item.id for r in locator.teams_within(LON, LAT, 500)] == ["mkt-1", "gov-2", "gov-1"]
    assert [r.item.id for r in locator.teams_within(LON, LAT, 500, platform=Platform.GOVERNANCE)] == ["gov-2", "gov-1"]
    near = locator.cameras_within(LON, LAT, 300)
    assert [r.item.id for r in near] == ["cam-near"] and abs(near[0].distance_m - 40) < 1
    assert [g.code for g in locator.grids_in_bbox((120.01, 32.01, 120.02, 32.02))] == ["T", "T0", "T0a"]
