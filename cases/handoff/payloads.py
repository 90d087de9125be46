"""What the town tells the city about a case it escalates, and no more than the city needs.

Personal data stays in the town: the reporter's name and phone are not sent, because the town keeps talking
to the reporter (it relays the city's result, GET /api/cases shows it) and the city answers the town, not the
citizen. What is sent is what the city needs to judge and handle the matter: what, where, since when, why the
town cannot handle it, and the evidence (attachment URLs the city fetches with its API key).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cases.models import Case, CaseEvent

# The action of the events the attachment upload and the snapshot job write (api/routes/attachments.py).
ATTACH_EVENT = "attach"
WGS84 = "EPSG:4326"


def idempotency_key(case: Case, event: CaseEvent) -> str:
    """Return the key of one escalation: a case escalated again after a hand-back is a new message."""
    return f"gridwatch-case-{case.id}-escalation-{event.id}"


def attachment_refs(case_id: int, events: Sequence[CaseEvent]) -> list[dict[str, Any]]:
    """Return the case's files as URL paths on the town's API (relative to its base URL), oldest first."""
    refs: list[dict[str, Any]] = []
    seen: set[str] = set()
    for event in events:
        sha = event.data.get("sha256") if event.action == ATTACH_EVENT else None
        if isinstance(sha, str) and sha not in seen:
            seen.add(sha)
            refs.append({"url": f"/api/cases/{case_id}/attachments/{sha}", "sha256": sha,
                         "content_type": event.data.get("content_type", ""), "size": event.data.get("size")})
        for ref in event.attachments:
            if ref not in seen:  # a step's own references: ids or URLs already in the file store
                seen.add(ref)
                refs.append({"url": ref, "sha256": None, "content_type": "", "size": None})
    return refs


def escalation_payload(case: Case, event: CaseEvent, events: Sequence[CaseEvent]) -> dict[str, Any]:
    """Return the JSON body the city's webhook receives for an escalated case (docs/api.md describes it)."""
    return {
        "kind": "escalation",
        "idempotency_key": idempotency_key(case, event),
        "escalated_at": event.at.isoformat(),
        "reason": event.note,
        "escalated_by_role": event.role,
        "case": {
            "id": case.id, "title": case.title, "category": case.category, "description": case.description,
            "source": str(case.source), "platform": None if case.platform is None else str(case.platform),
            "priority": case.priority, "department": case.department,
            "lon": case.lon, "lat": case.lat, "crs": WGS84, "grid_path": list(case.grid_path),
            "reported_at": case.created_at.isoformat(),
        },
        "attachments": attachment_refs(case.id, events),  # type: ignore[arg-type]
    }
