"""Module-level functions the worker-pool tests send to real worker processes (they must be importable)."""

from __future__ import annotations

import os
import time


def pid() -> int:
    """Return the worker's process id."""
    return os.getpid()


def hang() -> None:
    """Never return (sleep in short steps, as a decoder stuck on a dead stream would wait)."""
    while True:
        time.sleep(0.05)


def spin() -> None:
    """Never return, burning CPU without ever sleeping."""
    n = 0
    while True:
        n += 1


def fail(message: str) -> None:
    """Raise an error with the message."""
    raise ValueError(message)


def die() -> None:
    """End the worker process without an answer."""
    os._exit(3)
