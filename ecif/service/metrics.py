"""The service's Prometheus metrics (GET /metrics) and its request log lines.

Per app (tests build many apps in one process), one registry holding
- `ecif_http_requests_total` and `ecif_http_request_seconds` by method, route template
  (never the raw path: it can carry a mobile or an ID number) and status;
- `ecif_identify_outcomes_total` by outcome (MATCHED, SUSPECTS, NEW, NOT_FOUND);
- read from the warehouse at each scrape: `ecif_last_successful_night_timestamp_seconds`
  and `ecif_published_business_date` (the last publication, ops.published_night),
  `ecif_rows_landed` and `ecif_files_refused` per system (raw.landing_batch and
  raw.landing_rejection: the loader refuses whole file versions, so refusals are counted
  in files), and `ecif_open_exceptions` by severity and status (the OPEN and
  ACKNOWLEDGED rows of ops.exception, the exception centre).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ecif import ops_log
from ecif.exceptions_centre import TABLE as EXCEPTIONS
from ecif.landing.bookkeeping import BATCH, REJECTION
from ecif.published_nights import last_publication
from ecif.service.connections import ServiceConnections


class ServiceMetrics:
    def __init__(self, connections: ServiceConnections) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("ecif_http_requests", "HTTP requests answered",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("ecif_http_request_seconds", "HTTP request latency",
                                 ["method", "route"], registry=self.registry)
        self.identify = Counter("ecif_identify_outcomes", "identifications by outcome",
                                ["outcome"], registry=self.registry)
        self.registry.register(WarehouseCollector(connections))


class RequestMetrics:
    """Counts and times each request by its route template, and writes its log line."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        start = time.perf_counter()

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            seconds = time.perf_counter() - start
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.latency.labels(scope["method"], route).observe(seconds)
            ops_log.logger().info("request", extra={
                "step": "service", "duration": round(seconds, 4),
                "fields": {"method": scope["method"], "route": route, "status": status}})


class WarehouseCollector(Collector):
    def __init__(self, connections: ServiceConnections) -> None:
        self.connections = connections

    def collect(self) -> Iterator[Metric]:
        night = GaugeMetricFamily("ecif_last_successful_night_timestamp_seconds",
                                  "when the last night's marts were published")
        day = GaugeMetricFamily("ecif_published_business_date",
                                "business date (YYYYMMDD) of the published marts")
        landed = GaugeMetricFamily("ecif_rows_landed", "rows of applied batches",
                                   labels=["system"])
        refused = GaugeMetricFamily("ecif_files_refused", "refused file versions",
                                    labels=["system"])
        unresolved = GaugeMetricFamily("ecif_open_exceptions",
                                       "exceptions not resolved yet (ops.exception)",
                                       labels=["severity", "status"])
        with self.connections.connect() as conn:
            business_date, finished = last_publication(conn)
            if finished is not None:
                night.add_metric([], finished.replace(tzinfo=UTC).timestamp())
            if business_date:
                day.add_metric([], float(business_date))
            if conn.table_exists("raw", "landing_batch"):
                for system, rows in conn.fetchall(
                        f"select system, sum(rows) from {BATCH} where status = 'LOADED' "
                        "group by system order by system"):
                    landed.add_metric([system], float(rows or 0))
            if conn.table_exists("raw", "landing_rejection"):
                for system, files in conn.fetchall(
                        f"select system, count(*) from {REJECTION} group by system "
                        "order by system"):
                    refused.add_metric([str(system)], float(files))
            if conn.table_exists("ops", "exception"):
                for severity, status, count in conn.fetchall(
                        f"select severity, status, count(*) from {EXCEPTIONS} "
                        "where status <> 'RESOLVED' group by severity, status order by 1, 2"):
                    unresolved.add_metric([severity, status], float(count))
        yield from (night, day, landed, refused, unresolved)
