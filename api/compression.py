"""Gzip the answers that shrink (JSON, GeoJSON, HTML, JS, CSS, XML, CSV) when the client accepts it; nothing else."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware, GZipResponder, IdentityResponder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Under this many bytes the gzip header and a round of CPU cost more than they save.
MINIMUM_SIZE = 1024
# Level 6: within a few percent of 9's size at a third of its time on a 1 MB GeoJSON page.
COMPRESS_LEVEL = 6
# An allowlist, not a denylist: a type nobody thought of (an MJPEG stream, a PDF, a tile) passes through untouched.
COMPRESSIBLE_TYPES = frozenset({
    "application/json", "application/geo+json", "application/problem+json", "application/ld+json",
    "application/schema+json", "application/javascript", "application/xml", "application/gml+xml",
    "application/vnd.oai.openapi+json", "application/x-ndjson", "application/vnd.mapbox-vector-tile",
    "image/svg+xml", "text/html", "text/css", "text/javascript", "text/plain", "text/csv", "text/xml",
    "text/markdown",
})
# Never compressed even if someone marks them text: each event or frame must leave the moment it is written.
STREAMING_TYPES = frozenset({"text/event-stream", "multipart/x-mixed-replace"})


def is_compressible(content_type: str) -> bool:
    """Return whether an answer of this Content-Type is worth gzipping (text-like, not a live stream)."""
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type in STREAMING_TYPES:
        return False
    return media_type in COMPRESSIBLE_TYPES or media_type.endswith(("+json", "+xml"))


class _AllowlistGZipResponder(GZipResponder):
    """Starlette's gzip responder, but only for the allowlisted types (it compresses everything not denied)."""

    async def send_with_compression(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            await super().send_with_compression(message)
            if not self.content_type_is_excluded and not self.content_encoding_set and not self.partial_response:
                headers = Headers(raw=message.get("headers", []))
                declared = headers.get("content-length", "")
                # The audit trail's middleware re-streams every answer, so a small one arrives as a "stream" too:
                # its declared length, not the first chunk, tells whether it is worth compressing.
                small = declared.isdigit() and int(declared) < self.minimum_size
                if small or not is_compressible(headers.get("content-type", "")):
                    self.content_type_is_excluded = True
                    await self.send(self.initial_message)
            return
        await super().send_with_compression(message)


class CompressionMiddleware(GZipMiddleware):
    """ASGI middleware: gzip allowlisted answers of at least MINIMUM_SIZE bytes for clients that accept gzip."""

    def __init__(self, app: ASGIApp, minimum_size: int = MINIMUM_SIZE, compresslevel: int = COMPRESS_LEVEL) -> None:
        super().__init__(app, minimum_size=minimum_size, compresslevel=compresslevel)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _vary_on_encoding(send)
        if not _accepts_gzip(Headers(scope=scope).get("accept-encoding", "")):
            await self.app(scope, receive, send)
            return
        responder: IdentityResponder = _AllowlistGZipResponder(
            self.app, self.minimum_size, compresslevel=self.compresslevel,
            thread_minimum_size=self.thread_minimum_size, exclude_content_types=self.exclude_content_types)
        await responder(scope, receive, send)


def _vary_on_encoding(send: Send) -> Send:
    """Wrap send so every compressible answer says it varies by Accept-Encoding, gzipped or not (shared caches)."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(raw=message.setdefault("headers", []))
            varies = "accept-encoding" in headers.get("vary", "").lower()
            if not varies and is_compressible(headers.get("content-type", "")):
                headers.add_vary_header("Accept-Encoding")
        await send(message)

    return sending


def _accepts_gzip(accept_encoding: str) -> bool:
    """Return whether an Accept-Encoding header accepts gzip (q=0 refuses it)."""
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "x-gzip", "*"):
            q = params.strip().removeprefix("q=").strip()
            try:
                return not q or float(q) > 0
            except ValueError:
                return True
    return False


def install_compression(app: FastAPI) -> None:
    """Add gzip as the outermost middleware: it sees the final bytes, after the audit trail and security headers."""
    app.add_middleware(CompressionMiddleware)
