"""Migration 0009 keeps dead letters stored whole before it and gives them their size and hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import open_store
from tests.storage.migrating import BACKENDS, migrated_before

OLD_PAYLOAD = b"\xff{old letter" * 100


def _insert_old_rows(execute, placeholder: str) -> None:  # noqa: ANN001 - a driver's execute
    p = placeholder
    execute(f"INSERT INTO dead_letters (received_at, topic, payload, reason) VALUES ({p}, 't/x', {p}, 'old')",
            ("2026-11-01T00:00:00.000000Z" if p == "?" else "2026-11-01T00:00:00Z", OLD_PAYLOAD))


@pytest.fixture(params=BACKENDS)
def before_0009_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Yield a store URL migrated up to 0008 holding a dead letter kept whole."""
    with migrated_before(request, request.param, "0009", _insert_old_rows, tmp_path, monkeypatch) as url:
        yield url


def test_old_dead_letters_keep_their_payload_and_get_size_and_hash(before_0009_url: str) -> None:
    store = open_store(before_0009_url)
    try:
        assert "0009_dead_letter_prefix" in store.migrate()
        with store.unit_of_work() as uow:
            (letter,) = uow.dead_letters.list()
    finally:
        store.close()
    assert letter.payload == OLD_PAYLOAD and letter.size == len(OLD_PAYLOAD) and not letter.truncated
    assert letter.sha256 == hashlib.sha256(OLD_PAYLOAD).hexdigest()
