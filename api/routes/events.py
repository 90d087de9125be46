"""The live feed: Server-Sent Events of new alerts, cases, steps, assignments and team moves."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from sse_starlette.sse import EventSourceResponse

from access.models import Principal
from access.policy import visible_feed_payload
from api.deps import MAX_ID, StoreDep
from api.responses import EventPage
from api.security import OpsReader, StreamReader
from storage import FeedEntry, Store

router = APIRouter(tags=["events"])

STREAM_ANSWER = {"description": "Server-Sent Events: id is the feed id, event the kind, data its JSON payload",
                 "content": {"text/event-stream": {"schema": {"type": "string"}}}}


def _read_since(store: Store, last_id: int, limit: int) -> list[FeedEntry]:
    with store.read_only() as uow:
        return uow.feed.since(last_id, limit=limit)


def visible_entries(principal: Principal, entries: list[FeedEntry]) -> list[dict[str, Any]]:
    """Return the entries the principal may see, as JSON fields, with personal data masked by role."""
    out = []
    for entry in entries:
        payload = visible_feed_payload(principal, entry.payload)
        if payload is not None:
            out.append({"id": entry.id, "at": entry.at.isoformat(), "kind": entry.kind, "payload": payload})
    return out


@router.get("/api/events", response_model=EventPage)
def list_events(store: StoreDep, principal: OpsReader, since: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    """Return feed entries after id since that the caller may see, oldest first (for clients that poll)."""
    entries = _read_since(store, since, limit)
    return {"items": visible_entries(principal, entries), "last_id": entries[-1].id if entries else since}


@router.get("/api/events/stream", response_class=EventSourceResponse, responses={200: STREAM_ANSWER})
async def stream_events(request: Request, principal: StreamReader,
                        last_event_id: Annotated[str | None, Header()] = None,
                        since: Annotated[int | None, Query(ge=0, le=MAX_ID, description="replay entries after this id")] = None
                        ) -> EventSourceResponse:
    """Stream the feed the caller may see (auth by ?ticket=); a reconnecting client sends Last-Event-ID."""
    # The feed lives in the store, so the stream works across processes (API and ingest apart) and resumes;
    # the app's one FeedHub polls it for every stream, and replays from the store for a stream that reconnects.
    start = since if since is not None else _parse_id(last_event_id)

    async def entries() -> AsyncIterator[dict[str, str]]:
        async for batch in request.app.state.feed_hub.follow(start):
            for item in visible_entries(principal, batch):
                yield {"id": str(item["id"]), "event": item["kind"],
                       "data": json.dumps(item["payload"], ensure_ascii=False)}

    return EventSourceResponse(entries(), ping=15)


def _parse_id(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None
