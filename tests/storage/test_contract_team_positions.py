"""Contract of team tracks and silence, run against every backend: append once, out of order, retention."""

from __future__ import annotations

from storage import Store
from tests.factories import at, make_team, make_track_point


def _teams(store: Store, *ids: str, **fields: object) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team(i, position_at=None, **fields) for i in ids])


def test_a_track_point_is_written_once_per_team_and_time_taken(store: Store) -> None:
    _teams(store, "gov-1")
    with store.unit_of_work() as uow:
        assert uow.team_positions.add(make_track_point(ts=at(1), lon=120.1)) is True
        # A QoS 1 redelivery of the same position (even received later) writes nothing.
        assert uow.team_positions.add(make_track_point(ts=at(1), lon=120.1, received_at=at(2))) is False
        assert uow.team_positions.add(make_track_point("gov-2", ts=at(1))) is True
    with store.unit_of_work() as uow:
        assert [(p.ts, p.lon, p.received_at) for p in uow.team_positions.list("gov-1")] == [(at(1), 120.1, at(1))]
        assert uow.team_positions.count("gov-1") == 1


def test_the_track_is_listed_oldest_first_in_a_window_and_paged(store: Store) -> None:
    with store.unit_of_work() as uow:
        for minute in (5, 1, 3, 2, 4):
            uow.team_positions.add(make_track_point(ts=at(minute), lon=120 + minute / 100))
    with store.unit_of_work() as uow:
        track = uow.team_positions
        assert [p.ts for p in track.list("gov-1")] == [at(m) for m in (1, 2, 3, 4, 5)]
        assert [p.ts for p in track.list("gov-1", since=at(2), until=at(5))] == [at(2), at(3), at(4)]
        assert [p.ts for p in track.list("gov-1", since=at(2), limit=2, offset=1)] == [at(3), at(4)]
        assert track.count("gov-1", since=at(2), until=at(5)) == 3
        assert track.list("nobody") == [] and track.count("nobody") == 0


def test_track_points_taken_before_the_cutoff_go_in_batches_oldest_first(store: Store) -> None:
    with store.unit_of_work() as uow:
        for team_id in ("gov-1", "gov-2"):
            for minute in range(4):
                uow.team_positions.add(make_track_point(team_id, ts=at(minute)))
    with store.unit_of_work() as uow:
        assert uow.team_positions.delete_older_than(at(2), limit=3) == 3
        assert uow.team_positions.delete_older_than(at(2), limit=3) == 1
        assert uow.team_positions.delete_older_than(at(2), limit=3) == 0
    with store.unit_of_work() as uow:
        assert [p.ts for p in uow.team_positions.list("gov-1")] == [at(2), at(3)]
        assert [p.ts for p in uow.team_positions.list("gov-2")] == [at(2), at(3)]


def test_a_move_notes_when_the_phone_reported_and_an_older_position_only_that_it_reported(store: Store) -> None:
    _teams(store, "gov-1")
    with store.unit_of_work() as uow:
        assert uow.teams.update_position("gov-1", lon=120.1, lat=32.1, at=at(10), received_at=at(11)) is True
        assert uow.teams.update_position("gov-1", lon=120.9, lat=32.9, at=at(5), received_at=at(12)) is False
        uow.teams.mark_reporting("gov-1", at=at(12))
    with store.unit_of_work() as uow:
        team = uow.teams.get("gov-1")
    assert team is not None and team.position == (120.1, 32.1) and team.position_at == at(10)
    assert team.reported_at == at(12) and not team.silent


def test_teams_on_duty_not_heard_from_since_the_cutoff_are_marked_silent_once_and_cleared_by_a_report(
        store: Store) -> None:
    from cases.models import TeamStatus

    _teams(store, "quiet", "talking", "never")
    _teams(store, "home", status=TeamStatus.OFF_DUTY)
    with store.unit_of_work() as uow:
        for team_id, minute in (("quiet", 0), ("talking", 9), ("home", 0)):
            uow.teams.update_position(team_id, lon=120.0, lat=32.0, at=at(minute), received_at=at(minute))
    with store.unit_of_work() as uow:
        assert [t.id for t in uow.teams.mark_silent(reported_before=at(5), at=at(10))] == ["quiet"]
        # Already silent: not marked (nor announced) again.
        assert uow.teams.mark_silent(reported_before=at(6), at=at(11)) == []
    with store.unit_of_work() as uow:
        quiet = uow.teams.get("quiet")
        assert quiet is not None and quiet.silent and quiet.silent_since == at(10)
        # A team that never reported, and one off duty, are not silent: there is no phone to expect.
        assert not any(uow.teams.get(t).silent for t in ("talking", "never", "home"))  # type: ignore[union-attr]
        uow.teams.mark_reporting("quiet", at=at(12))
    with store.unit_of_work() as uow:
        quiet = uow.teams.get("quiet")
        assert quiet is not None and not quiet.silent and quiet.reported_at == at(12)
