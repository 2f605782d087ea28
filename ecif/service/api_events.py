"""The change feed for readers: pull (`GET /v1/events`) and Server-Sent Events
(`GET /v1/events/stream`), scoped and masked by the caller's role like the customer
reads (an agent or telesales seat sees the events of the parties it owns)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from ecif.events import outbox
from ecif.events.presentation import for_role
from ecif.service.accounts import SCOPED_ROLES, User
from ecif.service.dependencies import CurrentUser, config
from ecif.service.scoping import owned_parties

router = APIRouter(prefix="/v1/events", tags=["change feed"])
MAX_LIMIT = 1000
POLL_SECONDS = 1.0          # how often the stream looks for new events


def _page(request: Request, user: User, after: int, limit: int,
          types: list[str]) -> list[dict[str, Any]]:
    unknown = sorted(set(types) - set(outbox.TYPES))
    if unknown:
        raise HTTPException(422, f"unknown event type {unknown[0]}: one of "
                                 f"{', '.join(outbox.TYPES)}")
    scoped = user.role in SCOPED_ROLES
    # the owner's connection: the outbox is the service's own table, and the scope is
    # the same ownership rule the customer reads apply (ecif.service.scoping)
    with config(request).warehouse.connect() as conn:
        rows = outbox.read(conn, after, limit, types,
                           owned_parties(user.role) if scoped else None,
                           [user.owner_code] if scoped else [])
    return [for_role(row, user.role) for row in rows]


def _types(types: str | None) -> list[str]:
    return [t.strip().upper() for t in (types or "").split(",") if t.strip()]


@router.get("")
def pull(request: Request, user: CurrentUser, after: Annotated[int, Query(ge=0)] = 0,
         limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
         types: Annotated[str | None, Query(description="comma-separated event types")] = None
         ) -> dict[str, Any]:
    """The events after seq `after`, oldest first; `next` is the `after` of the next page
    (the same as `after` when there is nothing new yet)."""
    events = _page(request, user, after, limit, _types(types))
    return {"events": events, "next": events[-1]["seq"] if events else after}


@router.get("/stream")
async def stream(request: Request, user: CurrentUser,
                 last_event_id: Annotated[str | None, Header()] = None,
                 after: Annotated[int, Query(ge=0)] = 0,
                 types: Annotated[str | None, Query()] = None,
                 limit: Annotated[int | None, Query(
                     ge=1, description="close after this many events (default: never)")] = None,
                 ) -> StreamingResponse:
    """Server-Sent Events, each with `id:` its seq: a reconnecting client sends
    Last-Event-ID and continues after it."""
    cursor = int(last_event_id) if last_event_id and last_event_id.isdigit() else after
    wanted = _types(types)
    _page(request, user, cursor, 1, wanted)         # refuse bad types before streaming

    async def events() -> AsyncIterator[str]:
        nonlocal cursor
        sent = 0
        while limit is None or sent < limit:
            page = await asyncio.to_thread(_page, request, user, cursor,
                                           min(MAX_LIMIT, (limit or MAX_LIMIT) - sent), wanted)
            for event in page:
                yield (f"id: {event['seq']}\nevent: {event['event_type']}\n"
                       f"data: {json.dumps(event, ensure_ascii=False, default=str)}\n\n")
                cursor, sent = event["seq"], sent + 1
            if not page:
                if await request.is_disconnected():
                    return
                yield ": keep-alive\n\n"
                await asyncio.sleep(POLL_SECONDS)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache"})
