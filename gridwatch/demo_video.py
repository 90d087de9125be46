"""The demo's cameras play pictures: a looping MJPEG server on 127.0.0.1 and the cameras given its streams.

Why HTTP MJPEG rather than file: URLs: a file decodes as fast as the CPU allows and ends, while the relay reads a
stream continuously and closes its viewers at the end. The server paces each scene at its frame rate and loops
it for as long as a client reads. The demo allows 127.0.0.1 in its own URL policy only (never in the settings
of a real deployment), so the probes, the snapshots and the relay open these streams through the usual guard.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import logging
import subprocess
import threading
import time
from dataclasses import dataclass, field
from dataclasses import replace as changed
from pathlib import Path

from cases.locator import Locator
from gridwatch.demo_scenes import DEFECTS, FPS, Progress, ensure_scenes, load_frames
from gridwatch.settings import Settings
from iot.models import Device, SensorKind
from storage import Store
from video.models import Camera

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
BOUNDARY = "gridwatchdemo"
# Covering cameras per sensor site given a live scene: the best one. With the defects, about 100 cameras, which
# the first probe cycle (two workers, about 1 s a probe) gets through within the first minute.
CAMERAS_PER_SITE = 1
# Cameras away from the sensor sites that show each defect.
CAMERAS_PER_DEFECT = 2
# The first probe runs as the demo starts; later ones this often, so a user sees health change within minutes.
PROBE_INTERVAL_MINUTES = 2
SCENES_DIR = "video"
_SCENE_OF_KIND = {SensorKind.WATER_LEVEL: "water", SensorKind.NOISE: "traffic"}


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class SceneServer:
    """Serves each scene at /scene/NAME.mjpeg as multipart JPEG at the scene's frame rate, looping, on 127.0.0.1."""

    def __init__(self, scenes: dict[str, list[bytes]], *, fps: float = FPS) -> None:
        self.scenes, self.fps = scenes, fps
        self.stopping = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                name = self.path.removeprefix("/scene/").removesuffix(".mjpeg")
                frames = outer.scenes.get(name) if self.path.startswith("/scene/") else None
                if not frames:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                outer.serve(self.wfile, frames)

            def log_message(self, *args: object) -> None:
                pass  # one line per probe would drown the demo's own output

        self._server = _Server((HOST, 0), Handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="demo-scenes", daemon=True)

    def serve(self, out: io.BufferedIOBase, frames: list[bytes]) -> None:
        """Write the frames to a client at the frame rate, from the first again after the last, until it leaves."""
        period, next_at, index = 1 / self.fps, time.monotonic(), 0
        with contextlib.suppress(OSError):  # the client hung up: how every probe and relay leaves
            while not self.stopping.is_set():
                frame = frames[index % len(frames)]
                out.write(f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                          f"Content-Length: {len(frame)}\r\n\r\n".encode() + frame + b"\r\n")
                out.flush()
                index += 1
                next_at += period
                self.stopping.wait(max(0.0, next_at - time.monotonic()))

    def url(self, scene: str) -> str:
        """Return the stream URL of a scene."""
        return f"http://{HOST}:{self.port}/scene/{scene}.mjpeg"

    def start(self) -> SceneServer:
        """Start serving in a thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and end every client's stream."""
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()


def start_scene_server(folders: dict[str, Path]) -> SceneServer:
    """Load every scene's frames and start serving them."""
    return SceneServer({name: load_frames(folder) for name, folder in folders.items()}).start()


@dataclass
class Assignment:
    """Which camera plays which scene: live scenes at the sensor sites, defect clips elsewhere."""

    scenes: dict[str, str] = field(default_factory=dict)  # camera id -> scene

    def cameras_showing(self, scene: str) -> list[str]:
        """Return the cameras given a scene, by id."""
        return sorted(c for c, s in self.scenes.items() if s == scene)


def choose_scenes(cameras: list[Camera], devices: list[Device]) -> Assignment:
    """Give the best covering cameras of each sensor site a live scene, and a few other cameras each defect."""
    locator = Locator.of_cameras(cameras)
    assignment = Assignment()
    for device in sorted(devices, key=lambda d: d.id):
        if device.lon is None or device.lat is None:
            continue  # a mobile device registered without a position has no site to film
        scene = _SCENE_OF_KIND.get(device.kind, "people")
        for ranked in locator.covering_cameras(device.lon, device.lat, limit=CAMERAS_PER_SITE):
            assignment.scenes.setdefault(ranked.item.id, scene)
    # Defects on cameras that see no sensor site, spread over the list so they are spread over the town.
    others = [c for c in sorted(cameras, key=lambda c: c.id) if c.id not in assignment.scenes]
    wanted = len(DEFECTS) * CAMERAS_PER_DEFECT
    step = max(1, len(others) // max(1, wanted))
    for index, camera in enumerate(others[::step][:wanted]):
        assignment.scenes[camera.id] = DEFECTS[index % len(DEFECTS)]
    return assignment


def give_streams(store: Store, server: SceneServer) -> Assignment:
    """Set the chosen cameras' stream URLs to the server's scenes in the store (the town files keep none)."""
    with store.read_only() as uow:
        cameras, devices = uow.cameras.all(), uow.devices.all()
    assignment = choose_scenes(cameras, devices)
    by_id = {c.id: c for c in cameras}
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([changed(by_id[camera_id], stream_url=server.url(scene))
                                 for camera_id, scene in assignment.scenes.items()])
    logger.info("demo video: %d cameras play scenes at %s", len(assignment.scenes), server.url("*"))
    return assignment


# The demo's cameras answer at once from this machine: a few probe processes suffice, and spare a laptop's memory.
DEMO_PROBE_WORKERS = 4


def demo_settings(settings: Settings) -> Settings:
    """Return the demo's settings: 127.0.0.1 allowed as a stream host, a short probe cycle, a laptop-sized probe pool."""
    hosts = ",".join(h for h in (settings.video_sources.allowed_hosts, HOST) if h)
    return settings.model_copy(update={
        "video_sources": settings.video_sources.model_copy(update={"allowed_hosts": hosts}),
        "camera_probes": settings.camera_probes.model_copy(update={"interval_minutes": PROBE_INTERVAL_MINUTES,
                                                                   "workers": min(settings.camera_probes.workers,
                                                                                  DEMO_PROBE_WORKERS)}),
    })


def prepare_demo_video(store: Store, data_dir: Path, *, progress: Progress | None = None
                       ) -> tuple[SceneServer | None, Assignment | None, str]:
    """Make (once) and serve the scenes, and give cameras their streams; return the server, who plays what, a line.

    Without ffmpeg (or when it fails) the demo runs on without pictures: no server, and the line says why.
    """
    try:
        folders = ensure_scenes(data_dir / SCENES_DIR, progress=progress)
    except FileNotFoundError:
        return None, None, "ffmpeg is not installed: the demo's cameras have no pictures (apt install ffmpeg)"
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        logger.warning("demo video: ffmpeg failed: %s", exc)
        return None, None, f"ffmpeg failed ({exc}): the demo's cameras have no pictures"
    server = start_scene_server(folders)
    assignment = give_streams(store, server)
    healthy = sum(1 for s in assignment.scenes.values() if s not in DEFECTS)
    return server, assignment, (f"{healthy} cameras at the sensor sites play live scenes; "
                                f"{len(assignment.scenes) - healthy} show a defect ({', '.join(DEFECTS)})")
