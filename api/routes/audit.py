"""The audit log: read it, and verify its hash chain."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import PagingDep, StoreDep
from api.responses import AuditPage, AuditVerifyRead
from api.security import AuditReader
from audit.service import verify

router = APIRouter(prefix="/api/audit", tags=["audit"])


@router.get("", response_model=AuditPage)
def list_audit(store: StoreDep, _who: AuditReader, paging: PagingDep) -> dict[str, Any]:
    """Return audit entries, newest first."""
    with store.read_only() as uow:
        total = uow.audit.count()
        first = max(total - paging.offset - paging.limit, 0)
        entries = list(uow.audit.entries(after_id=first, limit=min(paging.limit, max(total - paging.offset, 0))))
    items = [{"id": e.id, "at": e.at.isoformat(), "actor": e.actor, "role": e.role, "source_ip": e.source_ip,
              "action": e.action, "target": e.target, "outcome": e.outcome, "detail": e.detail, "hash": e.hash}
             for e in reversed(entries)]
    return {"items": items, "total": total, "limit": paging.limit, "offset": paging.offset}


@router.get("/verify", response_model=AuditVerifyRead)
def verify_audit(store: StoreDep, _who: AuditReader) -> dict[str, Any]:
    """Walk the hash chain and report the first edited or deleted entry, if any."""
    with store.read_only() as uow:
        report = verify(repo=uow.audit)
    return {"ok": report.ok, "checked": report.checked, "problem": report.problem or None, "entry_id": report.entry_id}
