"""Health, readiness and metrics, without a login (for load balancers and Prometheus):
they name no customer. /ready is 503 while the warehouse cannot be read."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ecif.published_nights import last_publication

router = APIRouter(tags=["operations"])


@router.get("/health")
def health() -> dict[str, str]:
    """The process answers."""
    return {"status": "alive"}


@router.get("/ready")
def ready(request: Request) -> JSONResponse:
    """The warehouse answers; the business date and time of the published marts."""
    try:
        with request.app.state.connections.connect() as conn:
            business_date, finished = last_publication(conn)
    except Exception as exc:    # noqa: BLE001 - any failure to read means not ready
        return JSONResponse({"status": "unavailable", "error": type(exc).__name__},
                            status_code=503)
    return JSONResponse({"status": "ready", "business_date": business_date,
                         "published_at": finished.isoformat() + "Z" if finished else None})


@router.get("/metrics")
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry),
                    media_type=CONTENT_TYPE_LATEST)
