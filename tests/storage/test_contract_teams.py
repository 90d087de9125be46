"""Contract of TeamRepository: positions, atomic claims, revisions; run against every backend."""

from __future__ import annotations

import threading
import time

import pytest

from cases.models import Platform, TeamStatus
from storage import Store, StorageError
from tests.factories import at, make_team


def test_team_round_trip_with_and_without_position(store: Store) -> None:
    placed = make_team("gov-1", members=5)
    unplaced = make_team("svc-1", platform=Platform.SERVICE, lon=None, lat=None, position_at=None)
    with store.unit_of_work() as uow:
        assert uow.teams.upsert_many([placed, unplaced]) == 2
        assert uow.teams.upsert_many([placed]) == 1
    with store.unit_of_work() as uow:
        got, got_unplaced = uow.teams.get("gov-1"), uow.teams.get("svc-1")
        assert uow.teams.get("missing") is None
        assert [t.id for t in uow.teams.all()] == ["gov-1", "svc-1"]
    assert got == placed and got_unplaced == unplaced
    assert got is not None and got.platform is Platform.GOVERNANCE and got.status is TeamStatus.AVAILABLE
    assert got_unplaced is not None and got_unplaced.position is None


def test_team_list_filters_by_platform_and_status(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-2", status=TeamStatus.BUSY), make_team("gov-1"),
                               make_team("mkt-1", platform=Platform.MARKET)])
    with store.unit_of_work() as uow:
        assert [t.id for t in uow.teams.list(platform=Platform.GOVERNANCE)] == ["gov-1", "gov-2"]
        assert [t.id for t in uow.teams.list(status=TeamStatus.AVAILABLE)] == ["gov-1", "mkt-1"]
        assert [t.id for t in uow.teams.list(platform=Platform.GOVERNANCE, status=TeamStatus.BUSY)] == ["gov-2"]
        assert [t.id for t in uow.teams.list()] == ["gov-1", "gov-2", "mkt-1"]


def test_update_position_moves_forward_only_and_ignores_older_timestamps(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1", position_at=at(10)), make_team("new", lon=None, lat=None, position_at=None)])
    with store.unit_of_work() as uow:
        assert uow.teams.update_position("gov-1", lon=120.1, lat=32.4, at=at(20)) is True
        assert uow.teams.update_position("gov-1", lon=999.0, lat=999.0, at=at(15)) is False
        assert uow.teams.update_position("gov-1", lon=999.0, lat=999.0, at=at(20)) is False
        assert uow.teams.update_position("new", lon=120.2, lat=32.2, at=at(0)) is True
        assert uow.teams.update_position("ghost", lon=120.2, lat=32.2, at=at(0)) is False
    with store.unit_of_work() as uow:
        moved, new = uow.teams.get("gov-1"), uow.teams.get("new")
    assert moved is not None and moved.position == (120.1, 32.4) and moved.position_at == at(20)
    assert new is not None and new.position == (120.2, 32.2)


def test_claim_turns_available_busy_once_and_second_claim_is_false(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1"), make_team("off", status=TeamStatus.OFF_DUTY)])
    with store.unit_of_work() as uow:
        assert uow.teams.claim("gov-1") is True
        assert uow.teams.claim("gov-1") is False
        assert uow.teams.claim("off") is False
        assert uow.teams.claim("ghost") is False
    with store.unit_of_work() as uow:
        team = uow.teams.get("gov-1")
        assert uow.teams.claim("gov-1") is False
    assert team is not None and team.status is TeamStatus.BUSY


def test_set_status_frees_a_team_and_refuses_unknown_ones(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1", status=TeamStatus.BUSY)])
    with store.unit_of_work() as uow:
        uow.teams.set_status("gov-1", TeamStatus.AVAILABLE)
    with store.unit_of_work() as uow:
        assert uow.teams.claim("gov-1") is True
    with pytest.raises(StorageError, match="team 'ghost': not found"):
        with store.unit_of_work() as uow:
            uow.teams.set_status("ghost", TeamStatus.BUSY)


def test_team_revision_changes_after_upsert_and_claim_and_a_move_changes_the_positions_revision_alone(
        store: Store) -> None:
    def revisions() -> tuple[int, int]:
        with store.unit_of_work() as uow:
            return uow.teams.revision(), uow.teams.positions_revision()

    seen = [revisions()]
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1")])
    seen.append(revisions())
    with store.unit_of_work() as uow:
        uow.teams.claim("gov-1")
    seen.append(revisions())
    assert len({roster for roster, _ in seen}) == 3
    with store.unit_of_work() as uow:
        uow.teams.update_position("gov-1", lon=120.1, lat=32.4, at=at(30))
    moved = revisions()
    # A move is not a roster change: dispatch's index fetches the moved team instead of rebuilding.
    assert moved[0] == seen[-1][0] and moved[1] != seen[-1][1]
    with store.unit_of_work() as uow:
        assert [t.id for t in uow.teams.moved_since(seen[-1][1])] == ["gov-1"]
        assert uow.teams.moved_since(moved[1]) == []
    with store.unit_of_work() as uow:
        uow.teams.claim("gov-1")
        uow.teams.update_position("gov-1", lon=120.1, lat=32.4, at=at(0))
    assert revisions() == moved


def test_concurrent_claims_from_two_threads_have_exactly_one_winner(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1")])
    start = threading.Barrier(2)
    results: list[bool] = []
    errors: list[BaseException] = []

    def claim() -> None:
        try:
            start.wait(timeout=5)
            with store.unit_of_work() as uow:
                won = uow.teams.claim("gov-1")
                time.sleep(0.05)  # keep the transaction open so the other claimer really overlaps it
            results.append(won)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    assert not errors
    assert sorted(results) == [False, True]


def test_appending_then_claiming_while_another_claims_then_appends_does_not_deadlock(store: Store) -> None:
    """The ingest appends to the feed then dispatches; an operator dispatches then appends; both must finish."""
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1")])
    appended, claimed = threading.Event(), threading.Event()
    results: dict[str, bool] = {}
    errors: list[BaseException] = []

    def ingest() -> None:
        try:
            with store.unit_of_work() as uow:
                uow.feed.append("alert.raised", {}, at=at(0))
                appended.set()
                claimed.wait(timeout=0.15)  # SQLite serialises the two; PostGIS lets the operator claim first
                results["ingest"] = uow.teams.claim("gov-1")
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)

    def operator() -> None:
        try:
            appended.wait(timeout=5)
            with store.unit_of_work() as uow:
                results["operator"] = uow.teams.claim("gov-1")
                claimed.set()
                time.sleep(0.05)
                uow.feed.append("team.assigned", {}, at=at(1))
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=ingest), threading.Thread(target=operator)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    assert not errors
    assert sorted(results.values()) == [False, True]
    with store.unit_of_work() as uow:
        assert [e.kind for e in uow.feed.since(0)] == ["alert.raised", "team.assigned"]


def test_reloading_a_team_keeps_its_live_status_and_reported_position(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1", lon=120.0, lat=32.3, position_at=None)])
        assert uow.teams.claim("gov-1")
        uow.teams.update_position("gov-1", lon=120.01, lat=32.31, at=at(5))
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gov-1", name="综治巡逻二队", lon=120.0, lat=32.3, position_at=None)])
    with store.unit_of_work() as uow:
        team = uow.teams.get("gov-1")
    assert team is not None and team.name == "综治巡逻二队"
    assert team.status is TeamStatus.BUSY and team.position == (120.01, 32.31)
