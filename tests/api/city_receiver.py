"""A real HTTP receiver standing in for the city platform: it checks signatures and takes each key once."""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cases.handoff.signing import signature

# What the receiver does with each request, in order; after the plan runs out it answers "ok".
OK, UNAVAILABLE, BAD_REQUEST, LATE = "ok", "503", "400", "late"


@dataclass
class CityReceiver:
    """The receiver's plan and what it saw: every request, and the keys it acted on (at most once each)."""

    secret: str
    plan: list[str] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    taken: Counter[str] = field(default_factory=Counter)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes, bool]:
        """Return the status, the answer and whether to hold the answer until released."""
        key = headers.get("idempotency-key", "")
        timestamp = headers.get("x-gridwatch-timestamp", "")
        valid = timestamp.isdigit() and headers.get("x-gridwatch-signature") == signature(self.secret, int(timestamp),
                                                                                          body)
        with self.lock:
            behaviour = self.plan.pop(0) if self.plan else OK
            self.requests.append({"key": key, "valid": valid, "body": json.loads(body), "behaviour": behaviour})
            if not valid:
                return 401, b'{"detail":"bad signature"}', False
            if behaviour == UNAVAILABLE:
                return 503, b'{"detail":"maintenance"}', False
            if behaviour == BAD_REQUEST:
                return 400, b'{"detail":"category unknown to the city"}', False
            first = key not in self.taken
            if first:
                self.taken[key] += 1  # acted on: a redelivery of the key is acknowledged, not acted on again
        return 200, b'{"received":true}', behaviour == LATE


def start_receiver(receiver: CityReceiver) -> tuple[ThreadingHTTPServer, str]:
    """Start the receiver on a free loopback port in a thread; return the server and its webhook URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status, answer, hold = receiver.handle({k.lower(): v for k, v in self.headers.items()}, body)
            if hold:
                # Acted on, but the acknowledgement comes after the sender gave up waiting (its read timeout).
                receiver.release.wait(timeout=30)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except OSError:
                pass  # the sender hung up already

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/city/webhook"
