"""The hash chain: each entry's hash covers its fields and its predecessor's hash, so edits and gaps show."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC

from audit.models import GENESIS_HASH, AuditEntry, ChainReport


def entry_hash(entry: AuditEntry) -> str:
    """Return the SHA-256 over the entry's canonical JSON (every field but hash) and its prev_hash."""
    body = {
        "id": entry.id, "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"), "actor": entry.actor,
        "role": entry.role, "source_ip": entry.source_ip, "action": entry.action, "target": entry.target,
        "outcome": entry.outcome, "detail": entry.detail, "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def verify_chain(entries: Iterable[AuditEntry], *, head_id: int, head_hash: str,
                 first_prev_hash: str = GENESIS_HASH) -> ChainReport:
    """Check ids run without gaps, every hash matches its entry, links hold, and the chain ends at the head."""
    expected_prev, expected_id, checked = first_prev_hash, None, 0
    hash_at_head: str | None = None
    for entry in entries:
        if expected_id is not None and entry.id != expected_id:
            return ChainReport(False, checked, f"entries {expected_id}..{entry.id - 1} are missing (deleted)", expected_id)
        if entry.prev_hash != expected_prev:
            return ChainReport(False, checked, "link to the previous entry is broken (an entry was deleted or edited)",
                               entry.id)
        if entry_hash(entry) != entry.hash:
            return ChainReport(False, checked, "hash does not match the entry (it was edited)", entry.id)
        if entry.id == head_id:
            hash_at_head = entry.hash
        expected_prev, expected_id, checked = entry.hash, entry.id + 1, checked + 1
    last_id = (expected_id - 1) if expected_id is not None else 0
    return _check_head(checked, last_id=last_id, head_id=head_id, head_hash=head_hash,
                       hash_at_head=hash_at_head if head_id else first_prev_hash)


def _check_head(checked: int, *, last_id: int, head_id: int, head_hash: str, hash_at_head: str | None) -> ChainReport:
    """Compare the sound chain (entries up to last_id) with the head record, and name what was done."""
    if last_id < head_id:
        # The head moved with every append, so the entries it counts beyond the chain's end were there once.
        if last_id == 0:
            return ChainReport(False, checked, f"every entry was deleted: the log is empty but the head says {head_id}", 1)
        return ChainReport(False, checked, f"entries after {last_id} were deleted: the chain ends at entry {last_id} "
                                           f"but the head says {head_id}", last_id + 1)
    if last_id > head_id:
        follow = f"entries {head_id + 1}–{last_id} follow it and chain correctly"
        if head_id == 0:
            return ChainReport(False, checked, f"the head record was deleted or reset: it points at no entry but {follow}")
        if hash_at_head != head_hash:
            return ChainReport(False, checked, f"the head record was edited: it points at entry {head_id} with a hash "
                                               f"that entry does not have, and {follow}")
        return ChainReport(False, checked, f"the head record was rewound: it points at entry {head_id} but {follow}")
    if hash_at_head != head_hash:
        return ChainReport(False, checked, f"the head record's hash is not entry {head_id}'s: the head was edited, or "
                                           f"entry {head_id} was replaced and rehashed")
    return ChainReport(True, checked)
