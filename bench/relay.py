"""Benchmark the live MJPEG relay: server CPU per viewer with 1, 5 and 20 viewers of one camera.

The upstream is a 25 fps 320x240 HTTP MJPEG camera (made by ffmpeg) served by this process. The server (the app
on uvicorn, with an SQLite store) runs in a child process, so its CPU is read from /proc apart from the camera's
and the viewers'. The baseline is the upstream reader alone in a child (relay_stream publishing to nobody, at
the same cap): what one camera costs before any viewer. Each figure is CPU seconds per wall second of the
child over --seconds, after a one-second warm-up; cpu_per_viewer takes off the idle server and the reader.

Prints one JSON line. Usage: python bench/relay.py [--seconds 10] [--fps-cap 5] [--viewers 1,5,20]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.video import streams  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
PASSWORD = "Bench-Relay-2026-pass"


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _serve(folder: str, camera_url: str, port: int, cap: float) -> None:
    from access.models import Role
    from access.service import create_user
    from access.tokens import TokenPolicy
    from api.app import create_app
    from gridwatch.runtime import open_migrated_store
    from tests.factories import make_camera
    from video.relay import RelaySettings
    from video.urls import UrlPolicy

    store = open_migrated_store(f"sqlite:///{folder}/bench-{port}.db")  # a fresh store per run
    with store.unit_of_work() as uow:
        uow.cameras.upsert_many([make_camera("cam-1", stream_url=camera_url)])
        create_user(users=uow.users, username="bench", password=PASSWORD, role=Role.OPERATOR, platform=None,
                    team_id=None, grid_codes=(), display_name="bench", now=datetime.now(UTC))
    app = create_app(store=store, token_policy=TokenPolicy(secret="bench-" + "x" * 40), data_dir=Path(folder),
                     url_policy=UrlPolicy(allowed_hosts=frozenset({"127.0.0.1"})),
                     relay_settings=RelaySettings(max_fps=cap))
    import uvicorn  # a bench, like tests/serving.py: the child serves on the port the parent chose
    uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")).run()


def _reader_alone(camera_url: str, cap: float) -> None:
    from video.capture import relay_stream
    relay_stream(camera_url, publish=lambda frame: None, stop=threading.Event(), max_fps=cap, open_timeout_s=5,
                 read_timeout_s=5)


def _measure(pid: int, seconds: float) -> float:
    time.sleep(1.0)  # warm-up: the open and the first frames
    began_cpu, began = _cpu_s(pid), time.monotonic()
    time.sleep(seconds)
    return round((_cpu_s(pid) - began_cpu) / (time.monotonic() - began), 4)


def _viewer(port: int, ticket: str, stop: threading.Event, frames: list[int], index: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(f"GET /api/cameras/cam-1/live.mjpeg?ticket={ticket} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        sock.settimeout(1.0)
        while not stop.is_set():
            try:
                data = sock.recv(1 << 16)
            except TimeoutError:
                continue
            if not data:
                return
            frames[index] += data.count(b"--gridwatchframe\r\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--fps-cap", type=float, default=5.0)
    parser.add_argument("--viewers", default="1,5,20")
    args = parser.parse_args()
    import httpx

    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="gridwatch-bench-relay-") as scratch:
        frames = streams.make_jpeg_frames(Path(scratch) / "mjpeg", seconds=2, fps=25)
        with streams.MjpegServer(frames, fps=25) as camera:
            reader = spawn.Process(target=_reader_alone, args=(camera.url, args.fps_cap), daemon=True)
            reader.start()
            baseline = _measure(reader.pid, args.seconds)
            reader.terminate()
            reader.join()

            results = []
            for count in (int(n) for n in args.viewers.split(",")):
                port = streams.free_port()
                server = spawn.Process(target=_serve, args=(scratch, camera.url, port, args.fps_cap), daemon=True)
                server.start()
                base = f"http://127.0.0.1:{port}"
                deadline = time.monotonic() + 60
                while True:  # the deadline only bounds a broken start
                    try:
                        token = httpx.post(f"{base}/api/auth/token",
                                           data={"username": "bench", "password": PASSWORD}).json()["access_token"]
                        break
                    except httpx.TransportError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.2)
                idle = _measure(server.pid, 2.0)
                stop, got = threading.Event(), [0] * count
                threads = []
                for i in range(count):
                    ticket = httpx.post(f"{base}/api/auth/stream-ticket",
                                        headers={"Authorization": f"Bearer {token}"}).json()["ticket"]
                    threads.append(threading.Thread(target=_viewer, args=(port, ticket, stop, got, i), daemon=True))
                    threads[-1].start()
                cpu = _measure(server.pid, args.seconds)
                stop.set()
                for t in threads:
                    t.join(5)
                server.terminate()
                server.join()
                per_viewer = round((cpu - idle - baseline) / count, 4)
                results.append({"viewers": count, "server_cpu_per_s": cpu, "idle_server_cpu_per_s": idle,
                                "cpu_per_viewer_per_s": per_viewer,
                                "ratio_to_reader_alone": round(cpu / baseline, 2) if baseline else None,
                                "fps_per_viewer": round(sum(got) / count / (args.seconds + 1.0), 2)})
    print(json.dumps({"bench": "relay", "upstream_fps": 25, "fps_cap": args.fps_cap, "seconds": args.seconds,
                      "reader_alone_cpu_per_s": baseline, "runs": results}))


if __name__ == "__main__":
    main()
