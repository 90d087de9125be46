"""On a real server: a body is limited while it streams, and credentials are checked before a body is read."""

from __future__ import annotations

import select
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.bodies import MAX_BODY_BYTES
from storage import Store
from tests.api.conftest import PASSWORD, POLICY, add_accounts, login
from tests.serving import serve_app

MB = 1024 * 1024
HOSTILE_BYTES = 50 * MB
PIECE = 64 * 1024
UPLOAD_MAX = 256 * 1024
# The server hands the app what it has buffered in one message: up to its 64 KiB high-water mark plus one read.
OVERSHOOT = MB // 2
REPORT_END = b'"title": "x", "category": "noise_nuisance", "lon": 120.0, "lat": 32.3}'


class BodyCounter:
    """ASGI wrapper: counts the request body bytes the app has taken from the server."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.taken = 0

    async def __call__(self, scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        async def counted() -> dict:  # type: ignore[type-arg]
            message = await receive()  # type: ignore[operator]
            if message["type"] == "http.request":
                self.taken += len(message.get("body", b""))
            return message

        await self.app(scope, counted, send)  # type: ignore[operator]


@dataclass
class Live:
    """The app on a real uvicorn, and what it has taken of request bodies."""

    port: int
    counter: BodyCounter
    store: Store

    def token(self, username: str) -> str:
        """Log in over HTTP and return an access token."""
        answer = httpx.post(f"http://127.0.0.1:{self.port}/api/auth/token",
                            data={"username": username, "password": PASSWORD}, timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]


@dataclass
class Answer:
    """A raw HTTP answer and how much of its body the client had sent when it came."""

    status: int
    body: bytes
    sent: int


@pytest.fixture
def live(store: Store, tmp_path: Path) -> Iterator[Live]:
    """Run the app on a free port in a thread; stop it after."""
    add_accounts(store)
    counter = BodyCounter(create_app(store=store, token_policy=POLICY, data_dir=tmp_path, upload_max_bytes=UPLOAD_MAX))
    with serve_app(counter) as base_url:
        yield Live(int(base_url.rsplit(":", 1)[1]), counter, store)


def post_chunked(port: int, path: str, pieces: Iterator[bytes], *, headers: dict[str, str]) -> Answer:
    """POST pieces as a chunked body (no Content-Length), stopping as soon as the server answers."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, PIECE)
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Transfer-Encoding: chunked",
            *(f"{k}: {v}" for k, v in headers.items())]
    sent = 0
    with sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        try:
            for piece in pieces:
                if select.select([sock], [], [], 0)[0]:
                    break  # the answer came before the body ended
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent += len(piece)
            else:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and hung up; the answer is still waiting to be read
        status, body = _read_answer(sock)
    return Answer(status, body, sent)


def _read_answer(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    try:
        while b"\r\n\r\n" not in data or len(data) < _answer_length(data):
            got = sock.recv(PIECE)
            if not got:
                break
            data += got
    except ConnectionResetError:
        pass
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 "), f"no HTTP answer: {data[:200]!r}"
    return int(head.split()[1]), body


def _answer_length(data: bytes) -> int:
    head, _, _ = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(head) + 4 + int(value)
    return len(data) + 1


def json_report(padding: int) -> Iterator[bytes]:
    """Yield a valid case report as JSON, made as large as wished with whitespace before its fields."""
    yield b"{"
    for start in range(0, padding, PIECE):
        yield b" " * min(PIECE, padding - start)
    yield REPORT_END


def multipart_png(padding: int, boundary: str = "gridwatch-test") -> Iterator[bytes]:
    """Yield a multipart form with one PNG file of about padding bytes."""
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
           "Content-Type: image/png\r\n\r\n").encode() + b"\x89PNG\r\n\x1a\n"
    for start in range(0, padding, PIECE):
        yield b"\0" * min(PIECE, padding - start)
    yield f"\r\n--{boundary}--\r\n".encode()


@pytest.mark.parametrize("credentials", [
    {}, {"Authorization": "Bearer not-a-token"}, {"X-API-Key": "gwk_000000000000.not-a-secret"},
], ids=["none", "forged-token", "unknown-key"])
def test_a_chunked_body_without_valid_credentials_is_refused_before_it_is_read(live: Live,
                                                                               credentials: dict[str, str]) -> None:
    answer = post_chunked(live.port, "/api/cases", json_report(HOSTILE_BYTES),
                          headers={"Content-Type": "application/json", **credentials})
    assert answer.status == 401, answer.body
    assert live.counter.taken < MB, f"the server took {live.counter.taken} bytes of the body before answering"
    assert answer.sent < HOSTILE_BYTES // 2, f"the client sent {answer.sent} bytes before the answer came"
    with live.store.unit_of_work() as uow:
        refused = [e for e in uow.audit.entries() if e.action == "POST /api/cases"]
    assert [(e.actor, e.outcome) for e in refused] == [("anonymous", "unauthenticated")]


def test_an_authenticated_chunked_body_over_the_limit_is_cut_off_with_413(live: Live) -> None:
    token = live.token("operator")
    answer = post_chunked(live.port, "/api/cases", json_report(HOSTILE_BYTES),
                          headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    assert answer.status == 413, answer.body
    assert f"more than the {MAX_BODY_BYTES} bytes this route accepts".encode() in answer.body
    assert live.counter.taken < MAX_BODY_BYTES + OVERSHOOT
    assert answer.sent < HOSTILE_BYTES // 2


def test_a_chunked_upload_over_the_upload_limit_is_cut_off_with_413(live: Live) -> None:
    token = live.token("operator")
    answer = post_chunked(live.port, "/api/cases/1/attachments", multipart_png(HOSTILE_BYTES), headers={
        "Content-Type": "multipart/form-data; boundary=gridwatch-test", "Authorization": f"Bearer {token}"})
    assert answer.status == 413, answer.body
    assert live.counter.taken < UPLOAD_MAX + OVERSHOOT
    assert answer.sent < HOSTILE_BYTES // 2


def test_a_small_chunked_report_and_upload_still_work(live: Live) -> None:
    headers = {"Authorization": f"Bearer {live.token('operator')}"}
    report = post_chunked(live.port, "/api/cases", json_report(3 * PIECE),
                          headers={"Content-Type": "application/json", **headers})
    assert report.status == 201, report.body
    upload = post_chunked(live.port, "/api/cases/1/attachments", multipart_png(UPLOAD_MAX // 2), headers={
        "Content-Type": "multipart/form-data; boundary=gridwatch-test", **headers})
    assert upload.status == 201, upload.body


def test_a_request_with_a_body_checks_its_credentials_once(app_client, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import api.security

    headers = login(app_client, "operator")
    checks = []
    original = api.security._principal_from_token
    monkeypatch.setattr(api.security, "_principal_from_token", lambda *a, **k: checks.append(1) or original(*a, **k))
    answer = app_client.post("/api/cases", headers=headers, json={"title": "t", "category": "dispute", "lon": 120.0,
                                                                  "lat": 32.3})
    assert answer.status_code == 201, answer.text
    assert len(checks) == 1, "the body guard's check is reused by the route"
