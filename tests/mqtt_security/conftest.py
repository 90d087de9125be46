"""Fixtures of the MQTT security tests: the Mosquitto programs, and paho clients closed after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.mqtt_security.mosquitto import Recorder, find_tool


@pytest.fixture(scope="session")
def mosquitto_bin() -> str:
    """Return the path of the mosquitto broker."""
    return find_tool("mosquitto")


@pytest.fixture(scope="session")
def mosquitto_passwd_bin() -> str:
    """Return the path of mosquitto_passwd."""
    return find_tool("mosquitto_passwd")


@pytest.fixture
def clients() -> Iterator[list[Recorder]]:
    """Yield a list to put Recorders in; each is closed after the test."""
    made: list[Recorder] = []
    yield made
    for recorder in made:
        recorder.close()
