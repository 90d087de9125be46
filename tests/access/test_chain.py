"""The audit hash chain detects an edited, a deleted and a truncated entry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from audit.chain import entry_hash, verify_chain
from audit.models import GENESIS_HASH, AuditEntry


def _chain(n: int) -> list[AuditEntry]:
    entries, prev = [], GENESIS_HASH
    for i in range(1, n + 1):
        draft = AuditEntry(id=i, at=datetime(2026, 11, 23, tzinfo=UTC) + timedelta(seconds=i), actor="op", role="operator",
                           source_ip="127.0.0.1", action="case.accept", target=f"case:{i}", outcome="ok",
                           detail={"n": i}, prev_hash=prev)
        entry = replace(draft, hash=entry_hash(draft))
        entries.append(entry)
        prev = entry.hash
    return entries


def test_an_intact_chain_verifies() -> None:
    chain = _chain(5)
    report = verify_chain(chain, head_id=5, head_hash=chain[-1].hash)
    assert report.ok and report.checked == 5


def test_an_edited_entry_is_found() -> None:
    chain = _chain(5)
    chain[2] = replace(chain[2], outcome="denied")
    report = verify_chain(chain, head_id=5, head_hash=chain[-1].hash)
    assert not report.ok and report.entry_id == 3 and "edited" in report.problem


def test_a_deleted_entry_is_found() -> None:
    chain = _chain(5)
    del chain[1]
    report = verify_chain(chain, head_id=5, head_hash=chain[-1].hash)
    assert not report.ok and report.entry_id == 2 and "missing" in report.problem


def test_deleting_the_last_entries_is_found_by_the_head() -> None:
    chain = _chain(5)
    report = verify_chain(chain[:3], head_id=5, head_hash=chain[-1].hash)
    assert not report.ok and "head says 5" in report.problem


def test_an_empty_chain_verifies_against_an_empty_head() -> None:
    assert verify_chain([], head_id=0, head_hash=GENESIS_HASH).ok
