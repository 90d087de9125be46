"""GET /api/dead-letters shows the kept prefix of a refused payload with its whole size, SHA-256 and truncated flag."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

from iot.models import refused
from storage import Store
from tests.api.conftest import login
from tests.factories import T0


def test_dead_letter_answer_shows_size_hash_and_truncation(app_client: TestClient, store: Store) -> None:
    big = b'{"pad": "' + b"y" * 1_000_000 + b'"}'
    with store.unit_of_work() as uow:
        uow.dead_letters.add_many([refused(T0, "gridwatch/sensors/a/readings", big, "payload too large", keep_bytes=16),
                                   refused(T0, "gridwatch/sensors/b/readings", b"\xff", "not UTF-8", keep_bytes=16)])
    answer = app_client.get("/api/dead-letters", headers=login(app_client, "operator"))
    assert answer.status_code == 200, answer.text
    by_topic = {item["topic"]: item for item in answer.json()["items"]}
    whole, small = by_topic["gridwatch/sensors/a/readings"], by_topic["gridwatch/sensors/b/readings"]
    assert (whole["payload_hex"], whole["payload_size"], whole["truncated"]) == (big[:16].hex(), len(big), True)
    assert whole["payload_sha256"] == hashlib.sha256(big).hexdigest()
    assert (small["payload_hex"], small["payload_size"], small["truncated"]) == ("ff", 1, False)
