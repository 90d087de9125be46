"""Record audit entries onto the chain and verify it."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from audit.chain import entry_hash, verify_chain
from audit.models import AuditEntry, ChainReport
from audit.repository import AuditRepository

# A retention shorter than this breaks the Cybersecurity Law's six months of logs.
MIN_RETENTION_DAYS = 180
# PostgreSQL text and jsonb cannot hold NUL, and no store can encode a lone surrogate: written as escapes instead.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# A hostile caller chooses what a login's username holds; the log keeps enough of it to see what was tried.
MAX_TEXT = 1000


def record(*, repo: AuditRepository, at: datetime, actor: str, role: str, source_ip: str, action: str,
           target: str = "", outcome: str = "ok", detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry to the chain (the caller's unit of work holds the head until it commits)."""
    last_id, last_hash = repo.head(for_update=True)
    draft = AuditEntry(id=last_id + 1, at=at, actor=storable(actor), role=storable(role),
                       source_ip=storable(source_ip), action=storable(action), target=storable(target),
                       outcome=storable(outcome), detail=_storable_value(detail or {}), prev_hash=last_hash)
    entry = AuditEntry(**{**_fields(draft), "hash": entry_hash(draft)})
    repo.append(entry)
    return entry


def verify(*, repo: AuditRepository) -> ChainReport:
    """Walk the whole chain and report the first edited, deleted or missing entry."""
    head_id, head_hash = repo.head()
    return verify_chain(repo.entries(), head_id=head_id, head_hash=head_hash)


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in AuditEntry.__dataclass_fields__}


def storable(text: str) -> str:
    """Return text every store can hold: NUL as \\x00, lone surrogates as \\udXXX, cut at MAX_TEXT characters."""
    if len(text) > MAX_TEXT:
        text = f"{text[:MAX_TEXT]}…(+{len(text) - MAX_TEXT} characters)"
    return UNSTORABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _storable_value(value: Any) -> Any:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable(str(k)): _storable_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable_value(v) for v in value]
    return value
