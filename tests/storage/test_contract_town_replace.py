"""Contract of replace_all on grids, devices, cameras and teams (loading another town); every backend."""

from __future__ import annotations

from cases.models import Platform, ReleaseReason, TeamStatus
from storage import Store
from tests.factories import at, make_assignment, make_camera, make_case, make_device, make_grid, make_team


def test_replace_all_leaves_only_the_new_grids_devices_and_cameras(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.grids.upsert_many([make_grid("OLD1"), make_grid("SAME", name="old name")])
        uow.devices.upsert_many([make_device("old-aq"), make_device("same-aq")])
        uow.cameras.upsert_many([make_camera("old-cam"), make_camera("same-cam")])
        revisions = uow.grids.revision(), uow.cameras.revision()
    with store.unit_of_work() as uow:
        assert uow.grids.replace_all([make_grid("SAME", name="new name"), make_grid("NEW1")]) == 2
        assert uow.devices.replace_all([make_device("same-aq", name="new"), make_device("new-aq")]) == 2
        assert uow.cameras.replace_all([make_camera("new-cam")]) == 1
    with store.unit_of_work() as uow:
        assert [(g.code, g.name) for g in uow.grids.all()] == [("NEW1", "Grid NEW1"), ("SAME", "new name")]
        assert [(d.id, d.name) for d in uow.devices.all()] == [("new-aq", "Sensor new-aq"), ("same-aq", "new")]
        assert [c.id for c in uow.cameras.all()] == ["new-cam"]
        assert (uow.grids.revision(), uow.cameras.revision()) != revisions


def test_replace_all_teams_writes_them_in_full_and_keeps_those_an_assignment_names(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.teams.upsert_many([make_team("gone"), make_team("named", platform=Platform.MARKET),
                               make_team("both"), make_team("out")])
        assert uow.teams.claim("both") and uow.teams.claim("named") and uow.teams.claim("out")
        uow.teams.update_position("both", lon=121.0, lat=33.0, at=at(5))
        case = uow.cases.add(make_case())
        for team_id in ("named", "both"):
            held = uow.assignments.add(make_assignment(case.id, team_id))  # type: ignore[arg-type]
            uow.assignments.release(held.id, at=at(6), reason=ReleaseReason.FED_BACK)  # type: ignore[arg-type]
        uow.assignments.add(make_assignment(case.id, "out"))  # type: ignore[arg-type]
        revision = uow.teams.revision()
    with store.unit_of_work() as uow:
        written = uow.teams.replace_all([make_team("both", lon=119.5, lat=31.5, position_at=None),
                                         make_team("fresh", position_at=None), make_team("out", position_at=None)])
        assert written == 3
    with store.unit_of_work() as uow:
        teams = {t.id: t for t in uow.teams.all()}
        assert sorted(teams) == ["both", "fresh", "named", "out"]
        # The old town's team stays for its assignment's sake, but is never dispatched again.
        assert teams["named"].status is TeamStatus.OFF_DUTY
        # A team in both towns starts afresh at the new town's base, free.
        assert teams["both"].status is TeamStatus.AVAILABLE and teams["both"].position == (119.5, 31.5)
        assert teams["both"].position_at is None
        # A team out on an active assignment stays busy until that assignment gives it back.
        assert teams["out"].status is TeamStatus.BUSY
        assert [a.team_id for a in uow.assignments.for_case(case.id)] == ["named", "both", "out"]
        assert uow.teams.revision() != revision
