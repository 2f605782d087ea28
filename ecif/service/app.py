"""The service application: one FastAPI app serving the API (/v1, OpenAPI at
/openapi.json, docs at /docs), the steward pages (/steward) and the agent's caller
page (/agent/caller) and the customer portal (/portal, its API under /v1/portal)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ecif.audit import ensure_audit_table
from ecif.events.changes import ensure_publication
from ecif.events.subscriptions import FeedError
from ecif.events.subscriptions import ensure_tables as ensure_subscriptions
from ecif.exception_sources import record_service_error
from ecif.exceptions_centre import ensure_tables as ensure_exception_tables
from ecif.identifiers import InvalidValue
from ecif.service import (
    agent_pages,
    api_auth,
    api_customers,
    api_events,
    api_exceptions,
    api_health,
    api_identify,
    api_lists,
    api_stewardship,
    api_subscriptions,
    api_users,
    exception_pages,
    pages,
    portal,
    portal_pages,
)
from ecif.service.accounts import RecentUsers, ensure_tables
from ecif.service.config import ServiceConfig
from ecif.service.connections import ServiceConnections
from ecif.service.deliveries import Deliveries
from ecif.service.hand_over import HandOver, RefusedDuringRun, unavailable
from ecif.service.live_mentions import LiveMentionsCache
from ecif.service.metrics import RequestMetrics, ServiceMetrics
from ecif.service.party_numbers import PartyNumbers, RangeExhausted
from ecif.service.request_limits import BodySizeLimit, RequestRate
from ecif.service.security_headers import SecurityHeaders
from ecif.stewardship.users import StewardshipError


def create_app(config: ServiceConfig) -> FastAPI:
    connections = ServiceConnections(config.warehouse)
    live_mentions, party_numbers = LiveMentionsCache(), PartyNumbers()
    deliveries = Deliveries(config.warehouse, config.delivery)
    hand_over = HandOver(connections, live_mentions, party_numbers, deliveries)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if config.warehouse.kind == "duckdb":
            hand_over.start()       # a run may ask for the file: ecif.service.hand_over
            deliveries.start()      # the file is ours: so is the change feed's delivery
        yield
        await run_in_threadpool(deliveries.stop)     # after its current event at most
        hand_over.stop()
        connections.close()

    app = FastAPI(title="ECIF service", version="1", lifespan=lifespan,
                  description="Customer identification, customer-360 lookups and "
                              "stewardship of the ECIF customer master.")
    app.state.config = config
    app.state.connections = connections
    app.state.live_mentions = live_mentions
    app.state.party_numbers = party_numbers
    app.state.hand_over = hand_over
    app.state.deliveries = deliveries
    app.state.recent_users = RecentUsers()
    app.state.request_rate = RequestRate(config.requests_per_minute, config.request_burst)
    app.state.metrics = ServiceMetrics(connections)
    app.add_middleware(BodySizeLimit, max_bytes=config.max_body_bytes)
    with connections.connect() as conn:
        ensure_tables(conn)
        ensure_audit_table(conn)    # now: requests write to it and never run DDL
        ensure_subscriptions(conn)      # and the outbox the feed reads
        ensure_exception_tables(conn)   # errors and stewards' acks write there
        if conn.table_exists("marts", "customer"):
            ensure_publication(conn)    # identify writes its CREATED events there
        try:
            app.state.live_mentions.current(conn)   # now, not in the first identification
        except LookupError:
            pass                                    # no pipeline run yet: read when asked
    for module in (api_health, api_auth, api_users, api_identify, api_customers,
                   api_stewardship, api_events, api_subscriptions, api_lists, api_exceptions,
                   portal, pages, exception_pages, agent_pages, portal_pages):
        app.include_router(module.router)
    app.add_middleware(RefusedDuringRun, hand_over=hand_over)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestMetrics, metrics=app.state.metrics)   # outermost: times it all
    app.add_exception_handler(StewardshipError, _refused)
    app.add_exception_handler(FeedError, _refused)
    app.add_exception_handler(InvalidValue, _invalid)
    app.add_exception_handler(RangeExhausted, _exhausted)
    app.add_exception_handler(pages.LoginRequired, pages.to_login)
    # errors on the pages answer as pages in the reader's language; the API's keep
    # FastAPI's JSON (each handler tells them apart by the path)
    app.add_exception_handler(StarletteHTTPException, pages.http_error)
    app.add_exception_handler(RequestValidationError, pages.invalid_request)
    app.add_exception_handler(Exception, _server_error)
    return app


async def _server_error(request: Request, exc: Exception) -> Response:
    """An unexpected failure: a SERVICE_ERROR exception of the centre (by route template,
    never the path, which may hold a key), then the usual answer."""
    route = getattr(request.scope.get("route"), "path", "unrouted")
    await run_in_threadpool(record_service_error, request.app.state.config.warehouse,
                            f"{request.method} {route}", exc)
    return await pages.server_error(request, exc)


async def _refused(request: Request, exc: Exception) -> JSONResponse:
    """A stewardship rule said no (own request, not pending, unknown party…)."""
    return JSONResponse({"detail": str(exc)}, status_code=409)


async def _exhausted(request: Request, exc: Exception) -> Response:
    return unavailable(str(exc))


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    """A value a staging rule refuses: 422 naming the field, as FastAPI's own (never
    echoing the value)."""
    assert isinstance(exc, InvalidValue)
    return JSONResponse({"detail": [{"loc": ["body", exc.field], "msg": str(exc),
                                     "type": "value_error"}]}, status_code=422)
