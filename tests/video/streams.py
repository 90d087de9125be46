"""Real video sources for the tests, all on 127.0.0.1: clips made by ffmpeg, served as HTTP MJPEG and RTSP,
plus sources that fail the ways cameras do (refused, never answering, silent after connecting)."""

from __future__ import annotations

import contextlib
import http.server
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

FFMPEG = "/usr/bin/ffmpeg"
SYSTEM_PYTHON = "/usr/bin/python3"
RTSP_SERVER_SCRIPT = Path(__file__).with_name("rtsp_server.py")
WIDTH, HEIGHT = 320, 240


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ffmpeg_available() -> bool:
    """Return whether ffmpeg can be run."""
    return Path(FFMPEG).exists() or shutil.which("ffmpeg") is not None


def _ffmpeg(*args: str) -> None:
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", *args], check=True, timeout=120)


def make_h264_clip(path: Path, *, seconds: int = 60, fps: int = 5) -> Path:
    """Write a moving test pattern as H.264 in MP4 (baseline, a key frame every second), as cameras send."""
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={WIDTH}x{HEIGHT}:rate={fps}", "-t", str(seconds),
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline",
            "-pix_fmt", "yuv420p", "-g", str(fps), str(path))
    return path


def make_jpeg_frames(folder: Path, *, seconds: int = 4, fps: int = 5) -> list[bytes]:
    """Return the JPEG frames of a moving test pattern, made by ffmpeg."""
    folder.mkdir(parents=True, exist_ok=True)
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={WIDTH}x{HEIGHT}:rate={fps}", "-t", str(seconds),
            "-q:v", "5", str(folder / "frame%04d.jpg"))
    return [path.read_bytes() for path in sorted(folder.glob("frame*.jpg"))]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class MjpegServer:
    """An HTTP MJPEG camera: multipart/x-mixed-replace JPEG frames at `fps`, looping, at /video."""

    BOUNDARY = "gridwatchframe"

    def __init__(self, frames: list[bytes], *, fps: float) -> None:
        self.frames, self.fps = frames, fps
        self.clients = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                if self.path != "/video":
                    self.send_error(404)
                    return
                outer.clients += 1
                self.send_response(200)
                self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={outer.BOUNDARY}")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                period = 1 / outer.fps
                next_at = time.monotonic()
                index = 0
                with contextlib.suppress(OSError):  # the client hung up: that is how every viewer leaves
                    while not outer.stopping.is_set():
                        frame = outer.frames[index % len(outer.frames)]
                        self.wfile.write(f"--{outer.BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                                         f"Content-Length: {len(frame)}\r\n\r\n".encode() + frame + b"\r\n")
                        self.wfile.flush()
                        index += 1
                        next_at += period
                        outer.stopping.wait(max(0.0, next_at - time.monotonic()))

            def log_message(self, *args: object) -> None:
                pass

        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/video"
        self._thread = threading.Thread(target=self._server.serve_forever, name="mjpeg-server", daemon=True)

    def __enter__(self) -> MjpegServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()


class SilentServer:
    """Accepts every connection, reads what the client sends, and never answers: a camera whose encoder hung."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="silent-server", daemon=True)

    def _accept(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            self._held.append(conn)  # kept open, never written to: the client waits on its read

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        for conn in self._held:
            conn.close()
        self._listener.close()


class UnansweringAddress:
    """A loopback port whose SYNs get no answer, so a connect waits as for a camera behind a dropping firewall.

    A listener with backlog 0 that never accepts: Linux queues one finished handshake, and once that queue is
    full it drops further SYNs without a reply (net.ipv4.tcp_abort_on_overflow=0, the default), so the
    client's connect retransmits and waits. We fill the queue with our own connection first. Loopback only,
    so no test ever sends a packet off the machine.
    """

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(0)
        self.port = self._listener.getsockname()[1]
        self._fillers: list[socket.socket] = []

    def __enter__(self) -> UnansweringAddress:
        for _ in range(8):
            filler = socket.socket()
            filler.settimeout(0.5)
            try:
                filler.connect(("127.0.0.1", self.port))
            except TimeoutError:
                filler.close()
                return self  # this SYN went unanswered: the queue is full
            self._fillers.append(filler)
        raise RuntimeError(f"port {self.port}: the accept queue never filled, so connects would be answered")

    def __exit__(self, *exc_info: object) -> None:
        for filler in self._fillers:
            filler.close()
        self._listener.close()


def wait_for_port(port: int, *, within_s: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Wait until 127.0.0.1:port accepts a connection; raise if it does not within `within_s` or the process dies."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with code {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing accepted on 127.0.0.1:{port} within {within_s:g} s")


def gstreamer_rtsp_available() -> bool:
    """Return whether the system Python can import GStreamer's RTSP server."""
    if not Path(SYSTEM_PYTHON).exists():
        return False
    check = ("import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0'); "
             "from gi.repository import Gst, GstRtspServer; Gst.init(None); "
             "assert all(Gst.ElementFactory.find(e) for e in ('qtdemux', 'h264parse', 'rtph264pay'))")
    return subprocess.run([SYSTEM_PYTHON, "-c", check], capture_output=True, timeout=60).returncode == 0


@contextlib.contextmanager
def rtsp_server(clip: Path) -> Iterator[str]:
    """Serve the H.264 clip over RTSP from a GStreamer subprocess; yield its URL; stop it after."""
    port = free_port()
    # Its log goes to a file: a pipe nobody reads would block the server once full.
    log = open(clip.with_suffix(f".rtsp-{port}.log"), "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen([SYSTEM_PYTHON, str(RTSP_SERVER_SCRIPT), str(port), str(clip)],
                               stdout=subprocess.DEVNULL, stderr=log)
    try:
        wait_for_port(port, within_s=20, process=process)
        yield f"rtsp://127.0.0.1:{port}/cam"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()


def make_hls(clip: Path, folder: Path) -> Path:
    """Cut the H.264 clip into HLS segments (no re-encoding); return the playlist."""
    folder.mkdir(parents=True, exist_ok=True)
    _ffmpeg("-i", str(clip), "-c", "copy", "-f", "hls", "-hls_time", "2", "-hls_list_size", "0",
            str(folder / "index.m3u8"))
    return folder / "index.m3u8"


@contextlib.contextmanager
def http_folder(folder: Path) -> Iterator[str]:
    """Serve the folder's files over HTTP on 127.0.0.1 from a thread; yield the base URL."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="http-folder", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
