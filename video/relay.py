"""The live relay: one upstream reader per camera, shared by every viewer, started by the first, stopped by the last.

The reader is a thread (OpenCV releases the GIL while it waits and decodes); each viewer is an asyncio queue
holding only the newest frame, so a slow viewer skips frames instead of holding the reader or the others back.
A reader that ends (dead upstream, decoder error) puts None in every queue: the viewers' streams close at once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from video.capture.stream import relay_stream

logger = logging.getLogger(__name__)

# What a viewer gets when the upstream ended: the end of its stream.
END = None


@dataclass(frozen=True, slots=True)
class RelaySettings:
    """The relay's frame-rate cap and the upstream's timeouts."""

    max_fps: float = 5.0
    open_timeout_s: float = 5.0
    read_timeout_s: float = 5.0


Reader = Callable[..., str]


class Viewer:
    """One viewer's place at a relay: the newest frame not yet taken, or END."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=1)

    def offer(self, frame: bytes | None) -> None:
        """Hand a frame (or END) over from the reader thread; an untaken older frame is dropped."""
        self._loop.call_soon_threadsafe(self._put, frame)

    def _put(self, frame: bytes | None) -> None:
        if self._queue.full():
            dropped = self._queue.get_nowait()
            if dropped is END:
                frame = END  # the end is never overwritten
        self._queue.put_nowait(frame)

    async def next_frame(self) -> bytes | None:
        """Wait for the next frame; None when the upstream ended."""
        return await self._queue.get()


class Relay:
    """One camera's upstream reader and its viewers."""

    def __init__(self, camera_id: str, source: str, settings: RelaySettings, *, reader: Reader,
                 on_end: Callable[[Relay], None]) -> None:
        self.camera_id = camera_id
        self._source = source  # may carry credentials: never logged, never shown
        self._settings = settings
        self._reader = reader
        self._on_end = on_end
        self._lock = threading.Lock()
        self._viewers: set[Viewer] = set()
        self._stop = threading.Event()
        self.ended = threading.Event()
        self.end_reason = ""
        self.frames_published = 0
        self._thread = threading.Thread(target=self._run, name=f"relay-{camera_id}", daemon=True)

    @property
    def viewers(self) -> int:
        """Return how many viewers watch."""
        with self._lock:
            return len(self._viewers)

    def start(self) -> None:
        """Start the upstream reader."""
        logger.info("relay %s: starting the upstream reader", self.camera_id)
        self._thread.start()

    def add(self, viewer: Viewer) -> bool:
        """Add a viewer; False when the relay has already ended."""
        with self._lock:
            if self.ended.is_set():
                return False
            self._viewers.add(viewer)
            return True

    def remove(self, viewer: Viewer) -> int:
        """Remove a viewer and return how many remain."""
        with self._lock:
            self._viewers.discard(viewer)
            return len(self._viewers)

    def stop(self) -> None:
        """Ask the reader to stop after its current read (bounded by the read timeout)."""
        self._stop.set()

    def join(self, timeout_s: float) -> bool:
        """Wait for the reader thread to end; return whether it did."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _publish(self, frame: bytes) -> None:
        with self._lock:
            viewers = list(self._viewers)
            self.frames_published += 1
        for viewer in viewers:
            viewer.offer(frame)

    def _run(self) -> None:
        s = self._settings
        try:
            self.end_reason = self._reader(self._source, publish=self._publish, stop=self._stop, max_fps=s.max_fps,
                                           open_timeout_s=s.open_timeout_s, read_timeout_s=s.read_timeout_s)
        except Exception as exc:  # the viewers must hear of the end whatever the reader did
            self.end_reason = f"reader failed: {type(exc).__name__}"
            logger.exception("relay %s: reader failed", self.camera_id)
        with self._lock:
            self.ended.set()
            viewers = list(self._viewers)
        level = logging.INFO if self._stop.is_set() else logging.WARNING
        logger.log(level, "relay %s: upstream closed (%s) after %d frames", self.camera_id, self.end_reason,
                   self.frames_published)
        for viewer in viewers:
            viewer.offer(END)
        self._on_end(self)


class RelayHub:
    """The relays of one process, by camera: join() starts one with the first viewer, leave() stops it with the last."""

    def __init__(self, settings: RelaySettings | None = None, *, reader: Reader = relay_stream) -> None:
        self.settings = settings or RelaySettings()
        self._reader = reader
        self._lock = threading.Lock()
        self._relays: dict[str, Relay] = {}
        self.started = 0  # upstream readers started since the hub was made

    def active(self) -> dict[str, Relay]:
        """Return the running relays by camera id."""
        with self._lock:
            return dict(self._relays)

    def join(self, camera_id: str, source: str) -> tuple[Relay, Viewer]:
        """Add a viewer of the camera (call from the event loop), starting its upstream reader if none runs."""
        viewer = Viewer(asyncio.get_running_loop())
        with self._lock:
            relay = self._relays.get(camera_id)
            if relay is None or not relay.add(viewer):
                relay = Relay(camera_id, source, self.settings, reader=self._reader, on_end=self._forget)
                relay.add(viewer)
                self._relays[camera_id] = relay
                self.started += 1
                relay.start()
        return relay, viewer

    def leave(self, relay: Relay, viewer: Viewer) -> None:
        """Remove a viewer; the last one to leave stops the upstream reader."""
        with self._lock:
            if relay.remove(viewer) == 0:
                relay.stop()
                if self._relays.get(relay.camera_id) is relay:
                    del self._relays[relay.camera_id]

    def _forget(self, relay: Relay) -> None:
        with self._lock:
            if self._relays.get(relay.camera_id) is relay:
                del self._relays[relay.camera_id]

    def stop_all(self, *, wait_s: float = 10.0) -> None:
        """Stop every relay and wait for their readers (at shutdown)."""
        with self._lock:
            relays = list(self._relays.values())
            self._relays.clear()
        for relay in relays:
            relay.stop()
        for relay in relays:
            relay.join(wait_s)
