"""Contract of CameraHealthRepository, run against every backend: health lives apart from the registry."""

from __future__ import annotations

from datetime import timedelta

from storage import Store
from tests.factories import T0, make_camera, make_health
from video.health import Health


def test_health_round_trip_keeps_measures_and_stream_facts(store: Store) -> None:
    probe = make_health("cam-1", measures={"focus": 12.5, "frozen_frames": 3, "flat": True}, status=Health.BLURRED,
                        open_ms=88.5, width=1920, height=1080, fps=12.5, detail="focus 12.5 < baseline 80")
    with store.unit_of_work() as uow:
        uow.camera_health.record(probe)
    with store.read_only() as uow:
        assert uow.camera_health.history("cam-1") == [probe]


def test_latest_gives_each_cameras_newest_probe_in_one_answer(store: Store) -> None:
    with store.unit_of_work() as uow:
        for minutes, status in ((0, Health.OK), (10, Health.FROZEN), (5, Health.DARK)):
            uow.camera_health.record(make_health("cam-1", T0 + timedelta(minutes=minutes), status=status))
        uow.camera_health.record(make_health("cam-2", T0, status=Health.OFFLINE, open_ms=None, width=None,
                                             height=None, fps=None))
        uow.camera_health.record(make_health("cam-3", T0))
    with store.read_only() as uow:
        every = uow.camera_health.latest()
        some = uow.camera_health.latest(["cam-1", "cam-2", "cam-none"])
        assert uow.camera_health.latest([]) == {}
        history = uow.camera_health.history("cam-1", limit=2)
    assert {k: (v.status, v.probed_at) for k, v in every.items()} == {
        "cam-1": (Health.FROZEN, T0 + timedelta(minutes=10)), "cam-2": (Health.OFFLINE, T0), "cam-3": (Health.OK, T0)}
    assert set(some) == {"cam-1", "cam-2"} and some["cam-2"].open_ms is None
    assert [h.status for h in history] == [Health.FROZEN, Health.DARK]


def test_the_same_camera_and_instant_overwrites(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.camera_health.record(make_health("cam-1", T0, status=Health.OK))
        uow.camera_health.record(make_health("cam-1", T0, status=Health.NOISY))
    with store.read_only() as uow:
        assert [h.status for h in uow.camera_health.history("cam-1")] == [Health.NOISY]


def test_recording_health_leaves_the_cameras_revision_and_row_alone(store: Store) -> None:
    camera = make_camera("cam-1")
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([camera])
    with store.unit_of_work() as uow:
        before = uow.cameras.revision()
    for minutes in range(3):
        with store.unit_of_work() as uow:
            uow.camera_health.record(make_health("cam-1", T0 + timedelta(minutes=minutes), status=Health.COVERED))
    with store.unit_of_work() as uow:
        assert uow.cameras.revision() == before
        assert uow.cameras.get("cam-1") == camera


def test_delete_older_than_removes_old_probes_in_batches(store: Store) -> None:
    with store.unit_of_work() as uow:
        for minutes in range(5):
            uow.camera_health.record(make_health("cam-1", T0 + timedelta(minutes=minutes)))
    with store.unit_of_work() as uow:
        assert uow.camera_health.delete_older_than(T0 + timedelta(minutes=3), limit=2) == 2
    with store.unit_of_work() as uow:
        assert uow.camera_health.delete_older_than(T0 + timedelta(minutes=3)) == 1
    with store.read_only() as uow:
        assert [h.probed_at for h in uow.camera_health.history("cam-1")] == [
            T0 + timedelta(minutes=4), T0 + timedelta(minutes=3)]
