"""Bounds on what one client can make the service do: the size of a request body
(413 above ServiceConfig.max_body_bytes, read before any route parses it) and how
fast one user may make steward requests (429 beyond ServiceConfig.requests_per_minute,
with bursts of up to ServiceConfig.request_burst): an in-process token bucket per
user, so each service process counts on its own."""

from __future__ import annotations

import json
import math
import threading
import time
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ecif.service.accounts import User
from ecif.service.dependencies import require
from ecif.stewardship.users import REQUESTERS


class BodySizeLimit:
    """ASGI middleware: a body larger than `max_bytes` is answered 413 unread past
    the limit, whether its length is announced or chunked."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        announced = dict(scope["headers"]).get(b"content-length", b"0")
        if not announced.isdigit() or int(announced) > self.max_bytes:
            await self._too_large(send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await self._too_large(send)
                return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        detail = json.dumps({"detail": f"request body larger than {self.max_bytes} bytes"})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": detail.encode()})


class RequestRate:
    """A token bucket per user: `burst` requests at once, refilled at `per_minute`."""

    def __init__(self, per_minute: int, burst: int) -> None:
        self.per_second, self.burst = per_minute / 60, burst
        self._buckets: dict[str, tuple[float, float]] = {}     # user → (tokens, when)
        self._lock = threading.Lock()

    def take(self, user: str) -> float:
        """0 if the user may make a request now, else the seconds until they may."""
        with self._lock:
            now = time.monotonic()
            tokens, then = self._buckets.get(user, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.per_second)
            if tokens < 1:
                self._buckets[user] = (tokens, now)
                return (1 - tokens) / self.per_second
            self._buckets[user] = (tokens - 1, now)
            return 0.0


def rate_limited(request: Request, user: Annotated[User, Depends(require(*REQUESTERS))]) -> User:
    wait = request.app.state.request_rate.take(user.name)
    if wait:
        seconds = str(math.ceil(wait))
        raise HTTPException(429, f"too many requests by {user.name}: try again in {seconds} s",
                            headers={"Retry-After": seconds})
    return user


# a requester making a steward request
Maker = Annotated[User, Depends(rate_limited)]
