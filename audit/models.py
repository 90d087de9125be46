"""Audit entries and the result of verifying their chain."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited act; hash covers every other field and the previous entry's hash."""

    id: int
    at: datetime
    actor: str
    role: str
    source_ip: str
    action: str
    target: str
    outcome: str
    detail: dict[str, Any] = field(default_factory=dict, hash=False)
    prev_hash: str = GENESIS_HASH
    hash: str = ""


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What verification found: ok, how many entries it checked, the first problem and the entry it lies in.

    entry_id is None when the problem is the head record itself (rewound, edited or deleted), not an entry.
    """

    ok: bool
    checked: int
    problem: str = ""
    entry_id: int | None = None
