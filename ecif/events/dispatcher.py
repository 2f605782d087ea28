"""`ecif dispatch`: delivers the change feed to the webhook subscriptions.

Each subscription's events go out one at a time in seq order (so in order per party),
as CloudEvents 1.0 structured JSON signed with the subscription's secret. A failure
(no answer within the timeout, a refused connection, a non-2xx status) is retried
after an exponential back-off with jitter, holding the events behind it; after
`max_attempts` the event goes to `events.dead_letter` and the next one follows. The
cursor moves only after the receiver's 2xx, so a dispatcher killed mid-delivery sends
that event again when it restarts, with the same id (at least once).

Where the rounds run depends on the engine:
- PostgreSQL: `ecif dispatch` delivers; its rounds take no lock (they read the outbox
  and move their cursors beside a nightly as the service does; waiting for the lock
  would hold deliveries for the whole night).
- DuckDB with `ecif serve` running: the service owns the file, so it delivers the
  events itself (ecif.service.deliveries: the same rounds, `deliver_round`, on its live
  database, paused while a run owns the warehouse). `ecif dispatch` finds the
  service's announcement (ecif.hand_over.serving_process) and does not compete:
  `--once` says so in one line and exits 0; the long-running form says so once and
  waits idle, looking again every DUCKDB_POLL, and delivers again itself once the
  service is gone. A round of its own would take the warehouse lock, which makes the
  service copy its whole file (seconds a gigabyte) and refuse writes meanwhile.
- DuckDB without a service: each round of `ecif dispatch` holds the warehouse lock
  (ecif.run_lock), as a run's step does: it never opens the file while a nightly has
  it (it waits for the run, up to the lock's wait, and the next round tries again).
  Between rounds nothing is held; idle rounds are DUCKDB_POLL apart, since a service
  started meanwhile would hand its file over for each.
"""

from __future__ import annotations

import json
import logging
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from ecif import ops_log
from ecif.events import outbox
from ecif.events.presentation import cloud_event
from ecif.events.signature import HEADER, sign
from ecif.events.subscriptions import Subscription, all_subscriptions, ensure_tables, move_cursor
from ecif.exception_sources import collect
from ecif.hand_over import serving_process
from ecif.run_lock import WarehouseBusy, exclusive
from ecif.stewardship.audit import now
from ecif.warehouse import Connection, Warehouse

BATCH = 100
# seconds between idle rounds on DuckDB at least (and between looks at whether the
# service that delivers instead is still there): a round's lock would make a service
# started meanwhile copy its file to step aside (about a second a gigabyte)
DUCKDB_POLL = 60.0


@dataclass(frozen=True)
class Policy:
    timeout: float = 10.0           # seconds a receiver has to answer
    max_attempts: int = 8           # then the event is dead-lettered
    backoff: float = 2.0            # seconds before the 2nd attempt; doubles each time
    max_backoff: float = 600.0
    poll: float = 1.0               # seconds between looks at the outbox when idle

    def delay(self, attempts: int) -> float:
        """After `attempts` failures: base·2^(n-1), capped, times a jitter of 0.5-1.5 so
        that many subscriptions failing together do not retry in step."""
        return min(self.max_backoff, self.backoff * 2 ** (attempts - 1)) * random.uniform(
            0.5, 1.5)


@dataclass
class Report:
    delivered: int = 0
    failed_attempts: int = 0
    dead_lettered: int = 0
    waiting: list[str] = field(default_factory=list)    # subscriptions in back-off
    # DuckDB: the pid of the running `ecif serve` that delivers instead (nothing was done)
    deferred_to: int | None = None

    def deferral(self, warehouse: Warehouse) -> str:
        return (f"the service serving {warehouse.duckdb_path} (pid {self.deferred_to}) "
                "delivers the change events; ecif dispatch leaves them to it")


def post(sub: Subscription, body: bytes, event_id: str, timeout: float) -> None:
    """Raises unless the receiver answers 2xx."""
    request = urllib.request.Request(sub.url, data=body, method="POST", headers={
        "Content-Type": "application/cloudevents+json; charset=utf-8",
        HEADER: sign(sub.secret, body), "ECIF-Event-Id": event_id})
    with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 (http/s only)
        if not 200 <= answer.status < 300:
            raise urllib.error.HTTPError(sub.url, answer.status, "not 2xx", answer.headers,
                                         None)


def _deliver(conn: Connection, sub: Subscription, policy: Policy, report: Report,
             stop: Callable[[], bool]) -> None:
    """Send the subscription's due events until it is caught up, a failure makes it
    wait, or `stop()` says to stop (looked at before each event)."""
    if sub.next_attempt_at is not None and sub.next_attempt_at > now():
        report.waiting.append(sub.subscription_id)
        return
    while True:
        events = outbox.read(conn, sub.delivered_seq, BATCH, sub.event_types)
        if not events:
            return
        for event in events:
            if stop():
                return
            body = json.dumps(cloud_event(event, sub.role), ensure_ascii=False,
                              default=str).encode()
            try:
                post(sub, body, event["event_id"], policy.timeout)
            except (OSError, ValueError) as failure:    # URLError, HTTPError, timeouts
                attempts = sub.attempts + 1
                report.failed_attempts += 1
                if attempts < policy.max_attempts:
                    move_cursor(conn, sub, sub.delivered_seq, attempts,
                                now() + timedelta(seconds=policy.delay(attempts)))
                    report.waiting.append(sub.subscription_id)
                    return
                with conn.transaction():
                    conn.execute("insert into events.dead_letter values (?, ?, ?, ?, ?, ?, ?)",
                                 [sub.subscription_id, event["seq"], event["event_id"],
                                  attempts, str(failure)[:500], now(), None])
                    move_cursor(conn, sub, event["seq"], 0, None)
                report.dead_lettered += 1
                continue
            move_cursor(conn, sub, event["seq"], 0, None)
            report.delivered += 1


def dispatch_once(warehouse: Warehouse, policy: Policy = Policy()) -> Report:
    """Deliver everything due now; returns when every subscription is caught up or
    waiting out a back-off. On DuckDB with a service running elsewhere: nothing, the
    report naming the service (it delivers)."""
    if warehouse.kind == "duckdb":
        service = serving_process(warehouse)
        if service is not None:
            return Report(deferred_to=service)
    with _round(warehouse):
        with warehouse.connect() as conn:
            ensure_tables(conn)
        return deliver_round(warehouse, policy)


def deliver_round(warehouse: Warehouse, policy: Policy,
                  stop: Callable[[], bool] = lambda: False) -> Report:
    """One round on whatever `warehouse.connect()` opens, taking no lock (the caller
    owns the warehouse for it: dispatch_once, or the service on its live database);
    a warehouse without the subscriptions table has nothing to deliver."""
    report = Report()
    with warehouse.connect() as conn:
        if conn.table_exists("events", "subscription"):
            for sub in all_subscriptions(conn):
                if stop():
                    break
                _deliver(conn, sub, policy, report, stop)
    if report.dead_lettered:
        collect(warehouse)      # the dead letters into the exception centre
    return report


@contextmanager
def _round(warehouse: Warehouse) -> Iterator[None]:
    """DuckDB: the warehouse lock for the round (the module's docstring says why)."""
    if warehouse.kind != "duckdb":
        yield
        return
    with exclusive(warehouse, "ecif dispatch"):
        yield


def dispatch_forever(warehouse: Warehouse, policy: Policy = Policy(),
                     on_report: Callable[[Report], None] = lambda report: None) -> None:
    """`ecif dispatch`: rounds of dispatch_once, a pause of `poll` after a round that
    delivered nothing (back-offs fall due between rounds). The warehouse is opened per
    round, not held between rounds; a round that found it busy past the lock's wait (a
    long nightly on DuckDB) is tried again after the pause, and so is one that left
    the events to a running service (the module's docstring says why)."""
    poll = max(policy.poll, DUCKDB_POLL) if warehouse.kind == "duckdb" else policy.poll
    while True:
        try:
            report = dispatch_once(warehouse, policy)
        except WarehouseBusy as busy:
            ops_log.event(f"dispatch round skipped: {busy}", logging.WARNING)
            report = Report()
        on_report(report)
        if not report.delivered:
            time.sleep(poll)
