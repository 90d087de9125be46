"""Dispatch's team index follows moves and silence without rebuilding from every team, on both stores."""

from __future__ import annotations

from datetime import timedelta

from cases.locator import Locator
from cases.models import Platform
from cases.use_cases import move_team_and_announce
from gridwatch.team_silence import check_team_silence
from storage import Store
from tests.factories import LAT, LON, at, make_team


def _refresh(store: Store, locator: Locator) -> None:
    with store.read_only() as uow:
        locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)


def _move(store: Store, team_id: str, lon: float, minute: float) -> None:
    with store.unit_of_work() as uow:
        move_team_and_announce(uow, team_id=team_id, lon=lon, lat=LAT, at=at(minute), announced_at=at(minute))


def _nearest(locator: Locator, lon: float) -> list[str]:
    return [r.item.id for r in locator.nearest_teams(Platform.GOVERNANCE, lon, LAT)]


def test_a_move_reaches_the_index_without_a_rebuild_and_a_roster_change_rebuilds(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team(f"gov-{i}", lon=LON + i * 0.01, position_at=None) for i in range(5)])
    locator = Locator()
    _refresh(store, locator)
    assert locator.team_rebuilds == 1 and _nearest(locator, LON)[0] == "gov-0"
    # Another process moves a team (here: another unit of work): the next refresh fetches it alone.
    _move(store, "gov-4", LON - 0.001, 1)
    _move(store, "gov-3", LON + 0.5, 2)
    _refresh(store, locator)
    assert locator.team_rebuilds == 1
    west = LON - 0.002
    assert _nearest(locator, west)[:2] == ["gov-4", "gov-0"] and _nearest(locator, west)[-1] == "gov-3"
    moved = locator.nearest_teams(Platform.GOVERNANCE, west, LAT)[0].item
    assert (moved.lon, moved.position_at) == (LON - 0.001, at(1))
    # Nothing changed: nothing fetched, nothing rebuilt.
    _refresh(store, locator)
    assert locator.team_rebuilds == 1
    # Silence changes the ranking, so it reaches the index the same way: the nearest team, silent, goes last.
    assert check_team_silence(store, silent_after=timedelta(minutes=5), now=at(6.5)).endswith(": gov-4")
    _refresh(store, locator)
    assert locator.team_rebuilds == 1 and _nearest(locator, west) == ["gov-0", "gov-1", "gov-2", "gov-3", "gov-4"]
    # A claim changes the roster: the index is built again.
    with store.unit_of_work() as uow:
        uow.teams.claim("gov-0")
    _refresh(store, locator)
    assert locator.team_rebuilds == 2


def test_moves_committed_between_two_refreshes_are_all_seen(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team(f"gov-{i}", lon=LON + i * 0.01, position_at=None) for i in range(3)])
    locator = Locator()
    _refresh(store, locator)
    for minute in range(1, 4):
        # Several batches each move a team, and one batch moves two.
        with store.unit_of_work() as uow:
            for team_id in (("gov-2",) if minute < 3 else ("gov-1", "gov-0")):
                move_team_and_announce(uow, team_id=team_id, lon=LON + 1 + minute / 100 + len(team_id) / 1e4,
                                       lat=LAT, at=at(minute), announced_at=at(minute))
    _refresh(store, locator)
    with store.read_only() as uow:
        truth = {t.id: (t.lon, t.lat) for t in uow.teams.all()}
    indexed = {r.item.id: r.item.position for r in locator.nearest_teams(Platform.GOVERNANCE, LON, LAT)}
    assert indexed == truth and locator.team_rebuilds == 1
