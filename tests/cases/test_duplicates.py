"""Duplicate candidates on both stores: open cases of the same category within the radius and the window."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.duplicates import DuplicateSearch, duplicate_candidates, rank_duplicates
from cases.models import CaseStatus
from gis.geometry import offset_lon_lat
from storage import Store
from tests.factories import LAT, LON, T0, make_case

SEARCH = DuplicateSearch(radius_m=250, window=timedelta(hours=72))


def _at(metres: float, bearing: float = 90) -> dict[str, float]:
    lon, lat = offset_lon_lat(LON, LAT, bearing, metres)
    return {"lon": lon, "lat": lat}


def test_open_cases_of_the_category_nearby_and_recent_are_offered_nearest_first(store: Store) -> None:
    with store.unit_of_work() as uow:
        new = uow.cases.add(make_case("new report", created_at=T0, updated_at=T0))
        near_old = uow.cases.add(make_case("near, two days before", created_at=T0 - timedelta(hours=48), **_at(100)))
        nearer = uow.cases.add(make_case("nearer, an hour before", created_at=T0 - timedelta(hours=1), **_at(40, 0)))
        same_spot_newer = uow.cases.add(make_case("same distance, newer", created_at=T0 - timedelta(minutes=5),
                                                  **_at(40, 180)))
        edge = uow.cases.add(make_case("just inside", created_at=T0 - timedelta(hours=71), **_at(245, 270)))
        # Not offered: too far, too old, another category, finished, merged.
        uow.cases.add(make_case("too far", **_at(260)))
        uow.cases.add(make_case("too old", created_at=T0 - timedelta(hours=73), **_at(10)))
        uow.cases.add(make_case("other category", category="streetlight", **_at(10)))
        uow.cases.add(make_case("closed", status=CaseStatus.CLOSED, **_at(10)))
        uow.cases.add(make_case("merged", status=CaseStatus.MERGED, **_at(10)))
        found = duplicate_candidates(uow.cases, case=new, search=SEARCH)
    assert [c.case.id for c in found] == [same_spot_newer.id, nearer.id, near_old.id, edge.id]
    assert [c.distance_m for c in found] == pytest.approx([40, 40, 100, 245], rel=0.01)


def test_an_existing_case_sees_later_reports_within_the_window_but_never_itself(store: Store) -> None:
    with store.unit_of_work() as uow:
        case = uow.cases.add(make_case("first report"))
        later = uow.cases.add(make_case("reported a day later", created_at=T0 + timedelta(hours=24), **_at(30)))
        uow.cases.add(make_case("reported four days later", created_at=T0 + timedelta(hours=96), **_at(30)))
        found = duplicate_candidates(uow.cases, case=case, search=SEARCH)
    assert [c.case.id for c in found] == [later.id]


def test_the_radius_and_window_come_from_the_search() -> None:
    case = make_case(id=1)
    other = make_case(id=2, created_at=T0 - timedelta(hours=10), **_at(400))
    assert rank_duplicates(case, [other], SEARCH) == []
    assert [c.case.id for c in rank_duplicates(case, [other], DuplicateSearch(500, timedelta(hours=12)))] == [2]
    assert rank_duplicates(case, [other], DuplicateSearch(500, timedelta(hours=9))) == []
