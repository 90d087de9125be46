"""An embedded MQTT broker (amqtt) on its own thread, for the demo and tests when no Mosquitto is running."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from types import TracebackType
from typing import Any

from amqtt.broker import Broker

logger = logging.getLogger(__name__)

# amqtt logs every connection and packet at INFO, and transitions logs every state change.
_CHATTY_LOGGERS = ("amqtt", "transitions")
_CONNACK_ACCEPTED = b"\x20\x02\x00\x00"
_DISCONNECT = b"\xe0\x00"


class BrokerStartError(RuntimeError):
    """The embedded broker did not come up."""


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port on host that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _connect_packet(client_id: str) -> bytes:
    # MQTT 3.1.1 CONNECT, clean session, 10 s keepalive; short enough for a one-byte remaining length.
    ident = client_id.encode("ascii")
    body = b"\x00\x04MQTT\x04\x02\x00\x0a" + len(ident).to_bytes(2, "big") + ident
    return bytes((0x10, len(body))) + body


def _answers_mqtt(host: str, port: int) -> bool:
    """Return whether the broker accepts a TCP connection and an MQTT CONNECT on it."""
    # A bare connect-and-close makes amqtt log an ERROR; a real handshake proves more and stays quiet.
    try:
        with socket.create_connection((host, port), timeout=1.0) as sock:
            sock.sendall(_connect_packet(f"gridwatch-probe-{port}"))
            connack = sock.recv(4)
            sock.sendall(_DISCONNECT)
            return connack == _CONNACK_ACCEPTED
    except OSError:
        return False


def _quiet_amqtt() -> None:
    for name in _CHATTY_LOGGERS:
        chatty = logging.getLogger(name)
        # Leave a level someone configured on purpose alone.
        if chatty.level == logging.NOTSET:
            chatty.setLevel(logging.WARNING)


class EmbeddedBroker:
    """Runs an anonymous amqtt broker on 127.0.0.1 in a daemon thread; start() returns its mqtt:// URL."""

    def __init__(self, *, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self._requested_port = port
        self.port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._broker: Broker | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._start_error: BaseException | None = None

    @property
    def url(self) -> str:
        """Return the broker's mqtt:// URL, or raise if it is not running."""
        if self.port is None or not self.running:
            raise BrokerStartError("embedded broker is not running; call start() first")
        return f"mqtt://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        """Return whether the broker thread is up."""
        return self._thread is not None and self._thread.is_alive()

    def start(self, *, timeout_s: float = 10.0) -> str:
        """Start the broker, wait until it answers an MQTT CONNECT, and return its URL."""
        if self.running:
            return self.url
        _quiet_amqtt()
        self.port = self._requested_port or free_port(self.host)
        self._ready.clear()
        self._start_error = None
        self._thread = threading.Thread(target=self._run, name=f"gridwatch-broker-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        if not self._ready.wait(timeout_s):
            self.stop()
            raise BrokerStartError(f"embedded broker on {self.host}:{self.port}: not started within {timeout_s:.0f} s")
        if self._start_error is not None:
            self._thread.join(2.0)
            raise BrokerStartError(f"embedded broker on {self.host}:{self.port}: {self._start_error}") \
                from self._start_error
        while not _answers_mqtt(self.host, self.port):
            if time.monotonic() > deadline:
                self.stop()
                raise BrokerStartError(f"embedded broker on {self.host}:{self.port}: does not answer MQTT CONNECT")
            time.sleep(0.05)
        logger.info("embedded MQTT broker listening on %s", self.url)
        return self.url

    def stop(self, *, timeout_s: float = 3.0) -> None:
        """Shut the broker down, stop its loop and join its thread."""
        loop, thread, broker = self._loop, self._thread, self._broker
        if thread is None or loop is None or not thread.is_alive():
            self._thread = None
            return
        if broker is not None and not loop.is_closed():
            future = asyncio.run_coroutine_threadsafe(self._shutdown(broker), loop)
            try:
                future.result(timeout_s)
            except Exception:
                # A broker that will not shut down cleanly still dies with its loop, whose tasks are cancelled.
                future.cancel()
                logger.warning("embedded broker on %s:%s did not shut down cleanly within %.0f s",
                               self.host, self.port, timeout_s, exc_info=True)
        if not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout_s)
        if thread.is_alive():
            logger.warning("embedded broker thread on %s:%s still alive after %.0f s", self.host, self.port, timeout_s)
        else:
            logger.info("embedded MQTT broker on %s:%s stopped", self.host, self.port)
        self._thread = None
        self._broker = None

    def __enter__(self) -> EmbeddedBroker:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _config(self) -> dict[str, Any]:
        # Naming plugins replaces amqtt's defaults, which add packet loggers and a $SYS publisher we do not want.
        return {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}},
            "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
        }

    async def _start_broker(self) -> None:
        # amqtt's Broker binds futures to the running loop in its constructor, so it must be built here.
        self._broker = Broker(self._config())
        await self._broker.start()

    @staticmethod
    async def _shutdown(broker: Broker) -> None:
        # amqtt stops each client by cancelling its reader, but Python 3.11's asyncio.wait_for swallows a cancel
        # that meets a packet arriving (say a late PUBACK); the reader then reads on and shutdown hangs until the
        # client's keepalive runs out. An EOF ends every reader without a cancel.
        for _session, handler in list(broker.sessions.values()):
            if getattr(handler, "reader", None) is not None:
                handler.reader.feed_eof()
        await asyncio.sleep(0.05)
        await broker.shutdown()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            try:
                loop.run_until_complete(self._start_broker())
            except BaseException as exc:  # handed to start(), which raises it in the caller's thread
                self._start_error = exc
                return
            finally:
                self._ready.set()
            loop.run_forever()
        finally:
            self._close_loop(loop)

    @staticmethod
    def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
