"""The live MJPEG relay of a camera: one upstream reader shared by every viewer, opened with a stream ticket."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from api.deps import StoreDep
from api.errors import NotFound
from api.security import StreamReader
from video.errors import StreamUnavailable, VideoError
from video.relay import END, Relay, RelayHub, Viewer
from video.urls import check_stream_url, stream_url_with_credentials

logger = logging.getLogger(__name__)

router = APIRouter(tags=["cameras"])
BOUNDARY = "gridwatchframe"
MJPEG_ANSWER = {
    200: {"description": "JPEG frames as multipart/x-mixed-replace, at most the relay's frame rate; the stream "
                         "ends with a closing boundary when the camera stops sending",
          "content": {f"multipart/x-mixed-replace; boundary={BOUNDARY}": {"schema": {"type": "string",
                                                                                     "format": "binary"}}}},
    502: {"description": "The camera's stream gives no picture (or its address is refused by the SSRF guard)"},
}


def relay_source(request: Request, store: StoreDep, _who: StreamReader, camera_id: str) -> tuple[str, str]:
    """Return the camera's id and the stream URL to open (with its login: never shown), after the SSRF guard."""
    with store.read_only() as uow:
        camera = uow.cameras.get(camera_id)
        credentials = uow.cameras.credentials(camera_id) if camera is not None else None
    if camera is None:
        raise NotFound(f"camera {camera_id!r}: no such camera")
    if not camera.stream_url:
        raise StreamUnavailable(f"camera {camera_id!r}: has no stream URL")
    try:
        # Checked again at every open: a name may resolve elsewhere than when the camera was registered.
        check_stream_url(camera.stream_url, request.app.state.url_policy, where=f"camera {camera_id!r} stream_url")
    except VideoError as exc:
        raise StreamUnavailable(str(exc)) from None
    return camera.id, stream_url_with_credentials(camera, credentials)


def _part(frame: bytes) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(frame)}\r\n\r\n".encode()
            + frame + b"\r\n")


async def _frames(hub: RelayHub, relay: Relay, viewer: Viewer, first: bytes) -> AsyncIterator[bytes]:
    try:
        frame: bytes | None = first
        while frame is not END:
            yield _part(frame)
            frame = await viewer.next_frame()
        # The upstream ended: a closing boundary tells the browser the stream is over, not stalled.
        yield f"--{BOUNDARY}--\r\n".encode()
    finally:
        # Reached when the viewer hangs up too (the server cancels the generator): the last one stops the reader.
        hub.leave(relay, viewer)


@router.get("/api/cameras/{camera_id}/live.mjpeg", response_class=StreamingResponse, responses=MJPEG_ANSWER)
async def live_mjpeg(request: Request, source: Annotated[tuple[str, str], Depends(relay_source)]) -> StreamingResponse:
    """Stream a camera's picture as MJPEG (open with ?ticket= from POST /api/auth/stream-ticket, scope ops:read)."""
    camera_id, url = source
    hub: RelayHub = request.app.state.relay_hub
    relay, viewer = hub.join(camera_id, url)
    s = hub.settings
    try:
        first = await asyncio.wait_for(viewer.next_frame(), timeout=s.open_timeout_s + s.read_timeout_s + 1.0)
    except TimeoutError:
        first = END
    if first is END:
        hub.leave(relay, viewer)
        raise StreamUnavailable(f"camera {camera_id!r}: the stream gave no picture ({relay.end_reason or 'timeout'})")
    return StreamingResponse(_frames(hub, relay, viewer, first),
                             media_type=f"multipart/x-mixed-replace; boundary={BOUNDARY}",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
