"""The demo's camera pictures: scenes made by ffmpeg, served looping as MJPEG, given to the cameras that matter."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import pytest

from gis.geometry import haversine_m
from gridwatch.demo_scenes import DEFECTS, HEALTHY, SCENES, ensure_scenes
from gridwatch.demo_video import SceneServer, demo_settings, prepare_demo_video
from gridwatch.runtime import open_migrated_store
from gridwatch.settings import Settings
from gridwatch.towns import ensure_town_files, load_town_dir
from storage import Store
from video.capture import grab_frames
from video.errors import VideoError
from video.health import Health
from video.probe import judge
from video.urls import check_stream_url

pytestmark = [pytest.mark.timeout(120),
              pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Store, SceneServer, dict[str, str]]]:
    """A demo data dir with the town loaded and its video prepared, as run_demo does it."""
    data_dir = tmp_path_factory.mktemp("demo")
    store = open_migrated_store(f"sqlite:///{data_dir / 'gridwatch.db'}")
    load_town_dir(store, ensure_town_files(data_dir / "town", seed=7))
    server, assignment, said = prepare_demo_video(store, data_dir)
    assert server is not None and assignment is not None, said
    try:
        yield data_dir, store, server, assignment.scenes
    finally:
        server.stop()
        store.close()


def test_every_scene_is_made_once_and_decodes(demo: tuple[Path, Store, SceneServer, dict[str, str]]) -> None:
    data_dir, _, _, _ = demo
    folders = ensure_scenes(data_dir / "video", ffmpeg="/nonexistent/ffmpeg")  # cached: ffmpeg is not run again
    assert set(folders) == set(SCENES) == set(HEALTHY) | set(DEFECTS)
    for name, folder in folders.items():
        frames = sorted(folder.glob("frame*.jpg"))
        assert len(frames) >= 60, f"{name}: {len(frames)} frames"
        picture = cv2.imread(str(frames[0]))
        assert picture is not None and picture.shape == (240, 320, 3), name


def test_the_cameras_at_every_sensor_site_and_a_few_others_get_streams_the_demo_policy_allows(
        demo: tuple[Path, Store, SceneServer, dict[str, str]]) -> None:
    data_dir, store, _, scenes = demo
    with store.read_only() as uow:
        cameras = {c.id: c for c in uow.cameras.all()}
        devices = uow.devices.all()
    streaming = {i: c for i, c in cameras.items() if c.stream_url}
    assert set(streaming) == set(scenes)
    policy = demo_settings(Settings(data_dir=data_dir)).url_policy()
    for camera in streaming.values():
        check_stream_url(camera.stream_url, policy)
    # Only the demo allows its own loopback server: a deployment's default policy refuses it.
    with pytest.raises(VideoError, match="refused"):
        check_stream_url(next(iter(streaming.values())).stream_url, Settings(data_dir=data_dir).url_policy())
    for device in devices:
        near = [c for c in streaming.values() if scenes[c.id] in HEALTHY
                and haversine_m(c.lon, c.lat, device.lon, device.lat) <= c.range_m]
        assert near, f"sensor {device.id}: no camera with a live scene watches its site"
    for defect in DEFECTS:
        assert sum(1 for s in scenes.values() if s == defect) >= 1, defect


def test_a_probe_finds_the_scenes_healthy_and_each_defect_by_name(
        demo: tuple[Path, Store, SceneServer, dict[str, str]]) -> None:
    _, store, _, scenes = demo
    with store.read_only() as uow:
        urls = {scene: uow.cameras.get(camera_id).stream_url for camera_id, scene in sorted(scenes.items())}  # type: ignore[union-attr]

    def probe(url: str) -> Health:
        capture = grab_frames(url, count=8, open_timeout_s=5, read_timeout_s=5)
        return judge(capture, thresholds=Settings().video_diagnosis.thresholds()).diagnosis.status

    with ThreadPoolExecutor(len(urls)) as workers:
        found = dict(zip(urls, workers.map(probe, urls.values()), strict=True))
    assert found == {scene: Health.OK if scene in HEALTHY else Health(scene) for scene in urls}


def test_the_server_loops_a_scene_for_as_long_as_a_client_reads(
        demo: tuple[Path, Store, SceneServer, dict[str, str]]) -> None:
    data_dir, _, _, _ = demo
    frames = [f.read_bytes() for f in sorted((data_dir / "video" / "traffic").glob("frame*.jpg"))[:3]]
    server = SceneServer({"short": frames}, fps=30).start()
    try:
        capture = grab_frames(server.url("short"), count=10, open_timeout_s=5, read_timeout_s=5)
        assert capture.ok and len(capture.frames) == 10, capture.error
        assert grab_frames(server.url("missing"), count=1, open_timeout_s=5, read_timeout_s=5).error
    finally:
        server.stop()



def test_without_ffmpeg_the_demo_says_so_and_its_cameras_have_no_streams(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gridwatch.demo_scenes.ffmpeg_path", lambda: None)
    store = open_migrated_store(f"sqlite:///{tmp_path / 'gridwatch.db'}")
    try:
        load_town_dir(store, ensure_town_files(tmp_path / "town", seed=7))
        server, assignment, said = prepare_demo_video(store, tmp_path)
        assert server is None and assignment is None and "ffmpeg is not installed" in said
        with store.read_only() as uow:
            assert not [c.id for c in uow.cameras.all() if c.stream_url]
    finally:
        store.close()
