"""Fixtures of the reliability tests: a private PostgreSQL for the folder, a fresh database and broker per test."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gridwatch.towns import load_town
from iot.models import SensorKind
from storage import Store, open_store
from tests.reliability.services import IngestProcess, PrivateMosquitto, PrivatePostgres
from town.generate import generate_town


@pytest.fixture(scope="module")
def private_pg() -> Iterator[PrivatePostgres]:
    """Start a PostgreSQL cluster of this module's own; tests may stop and start it."""
    server = PrivatePostgres()
    try:
        yield server
    finally:
        server.close()


@dataclass
class Rig:
    """One test's database, broker and topic root, and the devices it may publish for."""

    pg: PrivatePostgres
    store_url: str
    store: Store
    broker: PrivateMosquitto
    topic_root: str
    devices: list[str]
    folder: Path

    def ingest(self, client_id: str, **env: str) -> IngestProcess:
        """Return an ingest process (not started) on this rig's store and broker."""
        return IngestProcess(store_url=self.store_url, mqtt_url=self.broker.url, topic_root=self.topic_root,
                             client_id=client_id, folder=self.folder, extra_env=env)

    def readings(self) -> int:
        """Return how many readings the store holds."""
        with self.store.read_only() as uow:
            return uow.readings.count()

    def dead_letters(self) -> int:
        """Return how many dead letters the store holds."""
        with self.store.read_only() as uow:
            return uow.dead_letters.count()


@pytest.fixture
def rig(private_pg: PrivatePostgres, tmp_path: Path) -> Iterator[Rig]:
    """Give the test a migrated database with a town in the private cluster and a private broker."""
    import psycopg

    database = f"gw_{secrets.token_hex(4)}"
    with psycopg.connect(private_pg.admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {database}")
    url = private_pg.url.rsplit("/", 1)[0] + f"/{database}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgis")
    store = open_store(url, timeout_s=5)
    store.migrate()
    town = generate_town(7)
    load_town(store, town)
    broker = PrivateMosquitto(tmp_path / "mosquitto")
    devices = [d.id for d in town.devices if d.kind == SensorKind.NOISE][:10]
    try:
        yield Rig(pg=private_pg, store_url=url, store=store, broker=broker,
                  topic_root=f"gw-rel/{uuid.uuid4().hex[:10]}", devices=devices, folder=tmp_path)
    finally:
        broker.stop()
        store.close()
