"""Team positions through their use case, on both stores: the track, the latest position, silence, dispatch."""

from __future__ import annotations

from datetime import timedelta

from cases import feed as payloads
from cases.lifecycle import Action
from cases.locator import Locator
from cases.models import Platform
from cases.service import StepInput
from cases.use_cases import move_team_and_announce, take_step_and_announce
from gridwatch.team_silence import check_team_silence
from storage import Store
from tests.factories import LAT, LON, at, make_case, make_team

SILENT_AFTER = timedelta(seconds=300)


def _move(store: Store, team_id: str, *, lon: float, ts_minute: float, received_minute: float):  # type: ignore[no-untyped-def]
    with store.unit_of_work() as uow:
        return move_team_and_announce(uow, team_id=team_id, lon=lon, lat=LAT, at=at(ts_minute),
                                      announced_at=at(received_minute))


def _feed(store: Store) -> list[tuple[str, str]]:
    with store.read_only() as uow:
        return [(e.kind, e.payload["team"]["id"]) for e in uow.feed.since(0) if e.kind.startswith("team.")]


def _setup(store: Store, *ids: str) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team(i, position_at=None) for i in ids])


def test_every_position_goes_to_the_track_once_but_only_a_newer_one_moves_the_team(store: Store) -> None:
    _setup(store, "gov-1")
    assert _move(store, "gov-1", lon=120.2, ts_minute=2, received_minute=2).moved
    late = _move(store, "gov-1", lon=120.1, ts_minute=1, received_minute=3)
    assert late.recorded and not late.moved
    again = _move(store, "gov-1", lon=120.2, ts_minute=2, received_minute=4)
    assert not again.recorded and not again.moved
    with store.read_only() as uow:
        assert [(p.ts, p.lon) for p in uow.team_positions.list("gov-1")] == [(at(1), 120.1), (at(2), 120.2)]
        team = uow.teams.get("gov-1")
    assert team is not None and (team.lon, team.position_at, team.reported_at) == (120.2, at(2), at(3))
    # One announcement: the move; the late position and the redelivery say nothing on the feed.
    assert _feed(store) == [(payloads.TEAM_MOVED, "gov-1")]


def test_an_unknown_team_records_nothing(store: Store) -> None:
    outcome = _move(store, "ghost", lon=120.2, ts_minute=2, received_minute=2)
    assert not outcome.recorded
    with store.read_only() as uow:
        assert uow.team_positions.count("ghost") == 0


def test_a_silent_phone_is_marked_on_the_clock_announced_once_and_cleared_by_the_next_position(store: Store) -> None:
    _setup(store, "gov-1", "gov-2")
    _move(store, "gov-1", lon=120.1, ts_minute=0, received_minute=0)
    _move(store, "gov-2", lon=120.1, ts_minute=0, received_minute=4)
    assert check_team_silence(store, silent_after=SILENT_AFTER, now=at(0) + timedelta(seconds=299)) == \
        "0 teams fell silent"
    assert check_team_silence(store, silent_after=SILENT_AFTER, now=at(0) + timedelta(seconds=301)) == \
        "1 teams fell silent: gov-1"
    assert check_team_silence(store, silent_after=SILENT_AFTER, now=at(8)) == "0 teams fell silent"
    with store.read_only() as uow:
        assert uow.teams.get("gov-1").silent  # type: ignore[union-attr]
        assert not uow.teams.get("gov-2").silent  # type: ignore[union-attr]
    # Even a late (buffered) position proves the phone is back: the team reports again, once.
    back = _move(store, "gov-1", lon=120.0, ts_minute=-1, received_minute=9)
    assert back.reporting_again and not back.moved and not back.team.silent  # type: ignore[union-attr]
    with store.read_only() as uow:
        assert not uow.teams.get("gov-1").silent  # type: ignore[union-attr]
    assert _feed(store) == [(payloads.TEAM_MOVED, "gov-1"), (payloads.TEAM_MOVED, "gov-2"),
                            (payloads.TEAM_SILENT, "gov-1"), (payloads.TEAM_REPORTING, "gov-1")]
    with store.read_only() as uow:
        silent_entry = [e for e in uow.feed.since(0) if e.kind == payloads.TEAM_SILENT][0]
    assert silent_entry.payload["team"]["silent"] is True


def test_dispatch_sends_a_reporting_team_before_a_nearer_silent_one_and_a_silent_one_when_none_reports(
        store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-near", position_at=None), make_team("gov-far", position_at=None),
                               make_team("mkt-1", platform=Platform.MARKET, position_at=None)])
        cases = [uow.cases.add(make_case(title)).id for title in ("first", "second")]
    _move(store, "gov-near", lon=LON, ts_minute=0, received_minute=0)
    _move(store, "gov-far", lon=LON + 0.01, ts_minute=0, received_minute=10)
    check_team_silence(store, silent_after=SILENT_AFTER, now=at(11))
    locator = Locator()
    sent = []
    for case_id in cases:
        with store.unit_of_work() as uow:
            locator.refresh(grids=uow.grids, cameras=uow.cameras, teams=uow.teams)
            take_step_and_announce(uow, locator=locator, case_id=case_id, step_in=StepInput(Action.ACCEPT),  # type: ignore[arg-type]
                                   actor="test", at=at(12))
            result = take_step_and_announce(uow, locator=locator, case_id=case_id,  # type: ignore[arg-type]
                                            step_in=StepInput(Action.DISPATCH), actor="test", at=at(12))
            sent.append(result.team.id)  # type: ignore[union-attr]
    # The near team's position is stale; it is still sent once no reporting team is free.
    assert sent == ["gov-far", "gov-near"]
