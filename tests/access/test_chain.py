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
    assert not report.ok and report.entry_id == 4
    assert report.problem.startswith("entries after 3 were deleted") and "head says 5" in report.problem


def test_a_rewound_head_is_named_as_the_head_not_as_deleted_entries() -> None:
    chain = _chain(5)
    report = verify_chain(chain, head_id=2, head_hash=chain[1].hash)
    assert not report.ok and report.entry_id is None and report.checked == 5
    assert report.problem == "the head record was rewound: it points at entry 2 but entries 3–5 follow it and chain correctly"


def test_a_head_with_a_foreign_hash_is_named_as_edited() -> None:
    chain = _chain(5)
    assert "head record was edited" in verify_chain(chain, head_id=2, head_hash=chain[3].hash).problem
    at_end = verify_chain(chain, head_id=5, head_hash=chain[3].hash)
    assert not at_end.ok and at_end.entry_id is None and "hash is not entry 5's" in at_end.problem


def test_a_missing_head_over_a_full_log_is_named() -> None:
    chain = _chain(3)
    report = verify_chain(chain, head_id=0, head_hash=GENESIS_HASH)
    assert not report.ok and "head record was deleted or reset" in report.problem and "1–3" in report.problem


def test_an_emptied_log_under_its_head_is_found() -> None:
    chain = _chain(2)
    report = verify_chain([], head_id=2, head_hash=chain[-1].hash)
    assert not report.ok and report.entry_id == 1 and "every entry was deleted" in report.problem


def test_an_empty_chain_verifies_against_an_empty_head() -> None:
    assert verify_chain([], head_id=0, head_hash=GENESIS_HASH).ok
