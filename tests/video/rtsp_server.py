"""Serve a clip over RTSP with GStreamer's RTSP server, for the video tests (run by the system /usr/bin/python3).

Usage: /usr/bin/python3 tests/video/rtsp_server.py PORT CLIP.mp4   -> rtsp://127.0.0.1:PORT/cam
The clip must be H.264 in MP4; it is sent as recorded (no encoding here), one pipeline per client, in real time.
GStreamer's Python bindings live in Debian's python3-gi, so this script cannot run in the project's venv.
"""

from __future__ import annotations

import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main() -> None:
    """Serve the clip at /cam on 127.0.0.1:PORT until SIGTERM."""
    port, clip = sys.argv[1], sys.argv[2]
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(f'( filesrc location="{clip}" ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 '
                       "config-interval=1 )")
    factory.set_shared(False)
    server.get_mount_points().add_factory("/cam", factory)
    if server.attach(None) == 0:
        sys.exit(f"rtsp server: cannot listen on 127.0.0.1:{port}")
    loop = GLib.MainLoop()
    signal.signal(signal.SIGTERM, lambda *_: loop.quit())
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    print(f"rtsp://127.0.0.1:{port}/cam", flush=True)
    loop.run()


if __name__ == "__main__":
    main()
