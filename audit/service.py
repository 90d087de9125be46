"""Record audit entries onto the chain and verify it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from audit.chain import entry_hash, verify_chain
from audit.models import AuditEntry, ChainReport
from audit.repository import AuditRepository

# A retention shorter than this breaks the Cybersecurity Law's six months of logs.
MIN_RETENTION_DAYS = 180


def record(*, repo: AuditRepository, at: datetime, actor: str, role: str, source_ip: str, action: str,
           target: str = "", outcome: str = "ok", detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry to the chain (the caller's unit of work holds the head until it commits)."""
    last_id, last_hash = repo.head(for_update=True)
    draft = AuditEntry(id=last_id + 1, at=at, actor=actor, role=role, source_ip=source_ip, action=action,
                       target=target, outcome=outcome, detail=detail or {}, prev_hash=last_hash)
    entry = AuditEntry(**{**_fields(draft), "hash": entry_hash(draft)})
    repo.append(entry)
    return entry


def verify(*, repo: AuditRepository) -> ChainReport:
    """Walk the whole chain and report the first edited, deleted or missing entry."""
    head_id, head_hash = repo.head()
    return verify_chain(repo.entries(), head_id=head_id, head_hash=head_hash)


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in AuditEntry.__dataclass_fields__}
