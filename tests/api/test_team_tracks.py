"""GET /api/teams/{id}/track and the silence in team answers, on every backend."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cases.use_cases import move_team_and_announce
from gis.crs import Crs, from_wgs84
from storage import Store
from tests.api.conftest import login
from tests.factories import LAT, LON, at, make_team


@pytest.fixture
def tracked(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1", position_at=None)])
    for minute in (3, 1, 2, 4):  # minute 1 arrives late: it goes to the track, not to the latest position
        with store.unit_of_work() as uow:
            move_team_and_announce(uow, team_id="gov-1", lon=LON + minute / 1000, lat=LAT, at=at(minute),
                                   announced_at=at(5))


def test_the_track_pages_oldest_first_within_the_window(app_client: TestClient, tracked: None) -> None:
    headers = login(app_client, "viewer")
    answer = app_client.get("/api/teams/gov-1/track", headers=headers,
                            params={"since": at(2).isoformat(), "limit": 2})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["type"] == "FeatureCollection" and body["crs"] == "wgs84"
    assert (body["numberMatched"], body["numberReturned"], body["limit"], body["offset"]) == (3, 2, 2, 0)
    assert [f["geometry"]["coordinates"] for f in body["features"]] == [[LON + 0.002, LAT], [LON + 0.003, LAT]]
    assert [f["properties"]["ts"] for f in body["features"]] == [at(2).isoformat(), at(3).isoformat()]
    # A time without an offset is Beijing time: 16:02 CST is 08:02 UTC.
    beijing = app_client.get("/api/teams/gov-1/track", headers=headers,
                             params={"since": "2024-05-01T16:02:00", "until": "2024-05-01T16:04:00"}).json()
    assert [f["properties"]["ts"] for f in beijing["features"]] == [at(2).isoformat(), at(3).isoformat()]


def test_the_track_as_a_line_in_gcj02_for_a_chinese_base_map(app_client: TestClient, tracked: None) -> None:
    headers = login(app_client, "viewer")
    body = app_client.get("/api/teams/gov-1/track", headers=headers, params={"format": "line", "crs": "gcj02"}).json()
    assert body["geometry"]["type"] == "LineString" and body["properties"]["crs"] == "gcj02"
    expected = [c for m in (1, 2, 3, 4) for c in from_wgs84(LON + m / 1000, LAT, Crs.GCJ02)]
    assert [c for xy in body["geometry"]["coordinates"] for c in xy] == pytest.approx(expected, abs=1e-6)
    assert body["properties"]["times"] == [at(m).isoformat() for m in (1, 2, 3, 4)]
    # GCJ-02 is some hundreds of metres off WGS-84 here: the conversion happened.
    assert abs(body["geometry"]["coordinates"][0][0] - (LON + 0.001)) > 1e-3


def test_a_bad_track_query_says_what_is_wrong(app_client: TestClient, tracked: None) -> None:
    headers = login(app_client, "viewer")
    missing = app_client.get("/api/teams/nobody/track", headers=headers)
    assert missing.status_code == 404 and "nobody" in missing.json()["detail"]
    backwards = app_client.get("/api/teams/gov-1/track", headers=headers,
                               params={"since": at(3).isoformat(), "until": at(2).isoformat()})
    assert backwards.status_code == 422 and "until" in backwards.json()["detail"]
    assert app_client.get("/api/teams/gov-1/track", headers=headers, params={"crs": "utm"}).status_code == 422
    assert app_client.get("/api/teams/gov-1/track", headers=headers, params={"since": "yesterday"}).status_code == 422


def test_team_answers_say_when_the_phone_last_reported_and_whether_it_is_silent(
        app_client: TestClient, tracked: None, store: Store) -> None:
    from datetime import timedelta

    from gridwatch.team_silence import check_team_silence

    check_team_silence(store, silent_after=timedelta(minutes=5), now=at(11))
    headers = login(app_client, "viewer")
    team = app_client.get("/api/teams/gov-1", headers=headers).json()
    assert (team["position_at"], team["reported_at"]) == (at(4).isoformat(), at(5).isoformat())
    assert team["silent"] is True and team["silent_since"] == at(11).isoformat()
    listed = app_client.get("/api/teams", headers=headers, params={"format": "geojson"}).json()
    assert listed["features"][0]["properties"]["silent"] is True
