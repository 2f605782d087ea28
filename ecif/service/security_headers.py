"""Headers on every answer: no framing, no type sniffing, no referrer leaving the
site, a content security policy, and `Cache-Control: no-store` (most answers carry
personal data, and a shared browser or proxy must not keep them).

A plain ASGI middleware: it only adds headers to the response's start message, at a
fraction of the cost of Starlette's BaseHTTPMiddleware on the identify path."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# the pages' only inline code is their stylesheet; nothing loads from elsewhere
CSP = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Swagger UI at /docs loads its script and style from a CDN and starts with an inline script
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "img-src 'self' data: https://fastapi.tiangolo.com; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")
HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope["path"].startswith(DOCS_PATHS) else CSP

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                set_here = {name for name, _ in HEADERS} | {b"content-security-policy"}
                message["headers"] = [
                    *((k, v) for k, v in message.get("headers", []) if k.lower() not in set_here),
                    *HEADERS, (b"content-security-policy", csp.encode())]
            await send(message)

        await self.app(scope, receive, with_headers)
