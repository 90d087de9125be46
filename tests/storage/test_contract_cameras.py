"""Contract of CameraRepository, run against every backend."""

from __future__ import annotations

from storage import Store
from tests.factories import make_camera
from video.models import CameraStatus


def test_camera_round_trip_keeps_status_enum(store: Store) -> None:
    camera = make_camera("cam-1", status=CameraStatus.FROZEN, owner="police", fov_deg=360.0)
    with store.unit_of_work() as uow:
        assert uow.cameras.upsert_many([camera]) == 1
    with store.unit_of_work() as uow:
        got = uow.cameras.get("cam-1")
        assert uow.cameras.get("cam-x") is None
    assert got == camera and got is not None
    assert got.status is CameraStatus.FROZEN


def test_camera_upsert_is_idempotent_and_overwrites(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("cam-1"), make_camera("cam-2")])
        uow.cameras.upsert_many([make_camera("cam-1"), make_camera("cam-2")])
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("cam-1", status=CameraStatus.NO_SIGNAL)])
    with store.unit_of_work() as uow:
        assert uow.cameras.count() == 2
        cam = uow.cameras.get("cam-1")
    assert cam is not None and cam.status is CameraStatus.NO_SIGNAL


def test_camera_bbox_filter_orders_by_id_and_pages(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("c3", lon=120.01), make_camera("c1", lon=120.0),
                                 make_camera("c2", lon=120.005), make_camera("far", lon=121.0)])
    box = (119.99, 32.29, 120.02, 32.31)
    with store.unit_of_work() as uow:
        assert [c.id for c in uow.cameras.all()] == ["c1", "c2", "c3", "far"]
        assert [c.id for c in uow.cameras.list(bbox=box)] == ["c1", "c2", "c3"]
        assert [c.id for c in uow.cameras.list(bbox=box, limit=1, offset=1)] == ["c2"]
        assert uow.cameras.count(bbox=box) == 3
        assert uow.cameras.count(bbox=(0.0, 0.0, 1.0, 1.0)) == 0


def test_camera_bbox_edges_are_inclusive(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("edge", lon=120.0, lat=32.3)])
    with store.unit_of_work() as uow:
        assert uow.cameras.count(bbox=(120.0, 32.3, 120.1, 32.4)) == 1


def test_camera_revision_changes_after_upsert(store: Store) -> None:
    with store.unit_of_work() as uow:
        before = uow.cameras.revision()
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("cam-1")])
    with store.unit_of_work() as uow:
        assert uow.cameras.revision() != before
