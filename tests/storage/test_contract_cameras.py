"""Contract of CameraRepository, run against every backend."""

from __future__ import annotations

from storage import Store
from tests.factories import make_camera
from video.models import Credentials, Mount


def test_camera_round_trip_keeps_every_registry_field(store: Store) -> None:
    camera = make_camera("cam-1", owner="police", fov_deg=360.0, height_m=9.5, mount=Mount.PTZ,
                         grid_code="321283101201", gb_device_id="32128310011320000001",
                         live_url="http://10.0.0.5/live/cam-1.m3u8")
    with store.unit_of_work() as uow:
        assert uow.cameras.upsert_many([camera]) == 1
    with store.unit_of_work() as uow:
        got = uow.cameras.get("cam-1")
        assert uow.cameras.get("cam-x") is None
    assert got == camera and got is not None
    assert got.mount is Mount.PTZ and got.has_credentials is False


def test_camera_upsert_is_idempotent_and_overwrites(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("cam-1"), make_camera("cam-2")])
        uow.cameras.upsert_many([make_camera("cam-1"), make_camera("cam-2")])
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("cam-1", owner="water", gb_device_id=None)])
    with store.unit_of_work() as uow:
        assert uow.cameras.count() == 2
        cam = uow.cameras.get("cam-1")
    assert cam is not None and cam.owner == "water"


def test_credentials_live_apart_and_say_only_has_credentials(store: Store) -> None:
    login = Credentials("admin", "s3cr3t-pa55")
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("cam-1", stream_url="rtsp://10.1.2.3:554/main"), make_camera("cam-2")],
                                {"cam-1": login})
    with store.unit_of_work() as uow:
        cameras = {c.id: c for c in uow.cameras.all()}
        assert uow.cameras.credentials("cam-1") == login
        assert uow.cameras.credentials("cam-2") is None
    assert cameras["cam-1"].has_credentials and not cameras["cam-2"].has_credentials
    assert "s3cr3t" not in repr(cameras["cam-1"]) and "s3cr3t" not in repr(login)
    # A later upsert without a login keeps the stored one; set_credentials(None) removes it.
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("cam-1", stream_url="rtsp://10.1.2.3:554/main")])
        assert uow.cameras.credentials("cam-1") == login
        uow.cameras.set_credentials("cam-1", None)
        assert uow.cameras.credentials("cam-1") is None


def test_replace_all_keeps_the_logins_of_cameras_that_stay(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("stay"), make_camera("gone")],
                                {"stay": Credentials("a", "b"), "gone": Credentials("c", "d")})
    with store.unit_of_work() as uow:
        assert uow.cameras.replace_all([make_camera("stay"), make_camera("new")]) == 2
    with store.unit_of_work() as uow:
        assert [c.id for c in uow.cameras.all()] == ["new", "stay"]
        assert uow.cameras.credentials("stay") == Credentials("a", "b")
        assert uow.cameras.credentials("gone") is None


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
