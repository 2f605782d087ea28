"""DuckDB: the service steps aside while a run owns the warehouse file, and keeps
answering.

Asked on its channel (ecif.hand_over), the service pauses requests, reserves a range
of party numbers in the warehouse (RESERVE, after the counter: the run's new parties
start after it), copies the file beside it (`<file>.during-run`) and serves from that
copy, read and write, until the run ends: lookups read the night published before the
run, identification finds and creates parties as always. Writes that are not replayed
are refused meanwhile (503 with Retry-After, ecif.service.app): steward decisions and
requests, logins, the change feed (whose numbers the run is handing out). The service's
own deliveries of the change feed pause before it copies the file and go on once it
serves the warehouse again (ecif.service.deliveries).

When the warehouse lock is free again the service takes it, opens the warehouse,
reads the new mentions, then (requests paused for a moment) replays what identification
and lookups wrote into the copy, in one transaction: new manual customers and their
party_mention rows (the same party ids), portal user names, CREATED events (numbered
after the run's), personal-data access records, the exception centre's rows it opened or
counted (a SERVICE_ERROR, say). Then it serves the warehouse again and deletes the
copy. A service stopped during the run leaves the copy; the next start replays it
before serving. The replay records the hand-over it replayed (by the time it was
taken) in the same transaction, so a copy left by a crash after that commit is not
replayed twice: it is deleted.
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import socketserver
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ecif import exceptions_centre as centre
from ecif import hand_over as channel
from ecif.events import outbox
from ecif.run_lock import POLL_SECONDS, WarehouseBusy, exclusive
from ecif.service import pages
from ecif.service.connections import ServiceConnections
from ecif.service.deliveries import Deliveries
from ecif.service.live_mentions import LiveMentionsCache
from ecif.service.party_numbers import PartyNumbers
from ecif.warehouse import Connection, Warehouse

log = logging.getLogger(__name__)
# party numbers reserved for one run's time: more than identification creates in a night
RESERVE = 100_000
# what the 503 of a refused write suggests: about one incremental night
RETRY_AFTER_SECONDS = 300
COPY = "handed"     # the copy's name in the warehouse while it is replayed
MARK = "ops.hand_over"      # in the copy: when it was taken, the first event number free
# in the copy: each exception's count when it was taken (what the service adds is the rest)
COUNTED = "ops.hand_over_exception_count"
# in the warehouse: the hand-overs replayed, by when they were taken
REPLAYED_COPIES = "ops.hand_over_replayed"


@dataclass
class HandOver:
    connections: ServiceConnections
    live_mentions: LiveMentionsCache
    party_numbers: PartyNumbers
    deliveries: Deliveries
    during_run: bool = False

    def __post_init__(self) -> None:
        self.warehouse: Warehouse = self.connections.warehouse
        self._switching = threading.Lock()
        self._server: socketserver.TCPServer | None = None

    @property
    def copy(self) -> Path:
        path = self.warehouse.duckdb_path
        return path.with_name(path.name + ".during-run")

    def start(self) -> None:
        """Replay a copy an earlier service left, then announce the channel."""
        self.replay_left_copy()
        secret = secrets.token_urlsafe(32)
        hand_over = self

        class Request(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                line = self.rfile.readline(1024).decode(errors="replace")
                if channel.authentic(line, secret) != channel.STEP_ASIDE:
                    self.wfile.write(b"refused: not an authentic request\n")
                    return
                try:
                    hand_over.step_aside()
                except Exception as e:      # the asking run reports it in one line
                    log.exception("stepping aside failed")
                    self.wfile.write(f"failed: {e}\n".encode())
                    return
                self.wfile.write(f"{channel.OK}\n".encode())

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Request)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True,
                         name="hand-over channel").start()
        channel.announce(self.warehouse, self._server.server_address[1], secret)

    def replay_left_copy(self) -> None:
        """The copy a service stopped (or crashed) during a run left, replayed."""
        if self.copy.exists():
            with exclusive(self.warehouse, "ecif serve: replaying the writes of a run's time"):
                with self.connections.paused() as conn:
                    self._replay(conn)

    def stop(self) -> None:
        if self._server is not None:
            channel.withdraw(self.warehouse)
            self._server.shutdown()
            self._server.server_close()

    def step_aside(self) -> None:
        with self._switching:
            if self.during_run:
                return
            # no delivery from the copy: its moved cursors would be lost (deliveries.py)
            self.deliveries.pause()
            try:
                self._serve_copy()
            except BaseException:
                self.deliveries.resume()
                raise
        log.info("serving a copy while a run owns %s", self.warehouse.duckdb_path)
        threading.Thread(target=self._take_back, daemon=True, name="hand-over wait").start()

    def _serve_copy(self) -> None:
        with self.connections.paused() as conn:
            first = _reserve_numbers(conn)
            conn.execute("checkpoint")      # the whole state in the file, none in a WAL
            shutil.copyfile(self.warehouse.duckdb_path, self.copy)
            served = self.warehouse.open_duckdb(self.copy)
            try:
                if first is not None:
                    served.execute("update matching.party_id_sequence set next_number = ?",
                                   [first])
                served.execute("create schema if not exists ops")
                served.execute(f"create or replace table {MARK} "
                               "(taken_at timestamp, first_seq bigint)")
                served.execute(f"insert into {MARK} select ?, (select max(next_seq) "
                               "from events.outbox_counter)", [_utc_now()])
                served.execute(f"create or replace table {COUNTED} as select "
                               f"exception_id, count from {centre.TABLE}")
                self.live_mentions.install(None, served)
            except BaseException:
                served.close()
                self.copy.unlink(missing_ok=True)
                raise
            self.connections.switch(served.raw).close()
            self.party_numbers.ceiling = None if first is None else first + RESERVE
            self.during_run = True

    def _take_back(self) -> None:
        """Waits for the warehouse lock, then serves the warehouse again."""
        while True:
            try:
                with exclusive(self.warehouse, "ecif serve: taking the warehouse back"):
                    self._resume()
                return
            except WarehouseBusy:
                pass
            except Exception:
                log.exception("taking the warehouse back failed; retrying")
            time.sleep(POLL_SECONDS)

    def _resume(self) -> None:
        with self._switching:
            main = self.warehouse.open_duckdb(self.warehouse.duckdb_path)
            try:
                live = self.live_mentions.reread(main)
            except LookupError:
                live = None
            except BaseException:
                main.close()
                raise
            with self.connections.paused():
                self.connections.switch(main.raw).close()
                conn = Connection(self.warehouse, main.raw)
                self._replay(conn)
                self.live_mentions.install(live, conn)
                self.party_numbers.ceiling = None
                self.during_run = False
            self.deliveries.resume()
        log.info("serving %s again", self.warehouse.duckdb_path)

    def _replay(self, conn: Connection) -> None:
        """The copy's writes into the warehouse (all or none), then the copy deleted."""
        conn.execute(f"attach '{self.copy}' as {COPY} (read_only)")
        try:
            with conn.transaction():
                replay(conn)
            conn.execute("checkpoint")
        finally:
            conn.execute(f"detach {COPY}")
        self.copy.unlink()


def _reserve_numbers(conn: Connection) -> int | None:
    if not conn.table_exists("matching", "party_id_sequence"):
        return None
    return int(conn.scalar("update matching.party_id_sequence set next_number = "
                           "next_number + ? returning next_number", [RESERVE])) - RESERVE


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _exists(conn: Connection, database: str, schema: str, table: str) -> bool:
    return bool(conn.scalar("select count(*) from duckdb_tables() where database_name = ? "
                            "and schema_name = ? and table_name = ?", [database, schema, table]))


def replay(conn: Connection) -> None:
    """Inside a transaction: what the copy attached as COPY holds that the warehouse
    does not, written by identification and lookups while a run owned the warehouse."""
    taken_at, first_seq = conn.fetchone(f"select taken_at, first_seq from {COPY}.{MARK}")
    conn.execute(f"create table if not exists {REPLAYED_COPIES} "
                 "(taken_at timestamp primary key, replayed_at timestamp)")
    # replayed already, before a crash kept the copy: its events, access records and
    # exception counts would be written twice (the other rows are keyed, those not)
    if conn.scalar(f"select count(*) from {REPLAYED_COPIES} where taken_at = ?", [taken_at]):
        return
    conn.execute(f"insert into {REPLAYED_COPIES} values (?, ?)", [taken_at, _utc_now()])
    parties = _replay_parties(conn) if _exists(conn, COPY, "matching", "party_mention") \
        else []     # no night built before the run (the first): nobody was identified
    if _exists(conn, COPY, "stewardship", "identity_key"):
        conn.execute(f"insert into stewardship.identity_key by name select * from "
                     f"{COPY}.stewardship.identity_key as c where not exists (select 1 from "
                     "stewardship.identity_key as k where k.key_type = c.key_type "
                     "and k.key_value = c.key_value and k.party_type = c.party_type)")
    if _exists(conn, COPY, "audit", "personal_data_access"):
        conn.execute(f"insert into audit.personal_data_access by name select * from "
                     f"{COPY}.audit.personal_data_access where accessed_at >= ?", [taken_at])
    if parties and _exists(conn, COPY, "events", "published_customer"):
        conn.execute(f"insert into events.published_customer by name select * from "
                     f"{COPY}.events.published_customer where party_id in "
                     f"({', '.join('?' for _ in parties)}) and party_id not in "
                     "(select party_id from events.published_customer)", parties)
    if first_seq is not None:
        events = conn.fetchall(f"select event_type, party_id, changed_fields, payload from "
                               f"{COPY}.{outbox.TABLE} where seq >= ? order by seq",
                               [first_seq])
        outbox.append(conn, [outbox.Change(t, p, json.loads(f), json.loads(d))
                             for t, p, f, d in events], "identify", None)
    if _exists(conn, COPY, *COUNTED.split(".")):
        _replay_exceptions(conn, taken_at)


def _replay_parties(conn: Connection) -> list[str]:
    """The parties identification created in the copy: their mentions and manual
    customers; their ids."""
    new = f"select * from {COPY}.matching.party_mention where run_id = 'identify' " \
          "and mention_id not in (select mention_id from matching.party_mention)"
    parties = [r[0] for r in conn.fetchall(f"select party_id from ({new})")]
    conn.execute(f"insert into matching.party_mention by name {new}")
    conn.execute(f"insert into stewardship.manual_customer by name select * from "
                 f"{COPY}.stewardship.manual_customer where manual_key not in "
                 "(select manual_key from stewardship.manual_customer)")
    return parties


def _replay_exceptions(conn: Connection, taken_at: datetime) -> None:
    """The exceptions the service opened or counted in the copy, counted in the
    warehouse's of the same kind, system and key: their ids may differ (the run draws
    from the warehouse's sequence meanwhile), the count adds what the service counted."""
    changed = conn.fetchall(
        f"select c.exception_id, c.kind, c.severity, c.system, c.key, c.first_seen, "
        f"c.last_seen, c.count - coalesce(b.count, 0), c.sample, exists (select 1 from "
        f"{COPY}.{centre.HISTORY} as h where h.exception_id = c.exception_id and "
        "h.changed_at >= ? and h.action in ('OPENED', 'REOPENED')) "
        f"from {COPY}.{centre.TABLE} as c left join {COPY}.{COUNTED} as b "
        "using (exception_id) where c.last_seen >= ?", [taken_at, taken_at])
    for copied, kind, severity, system, key, first, last, added, sample, opened in changed:
        found = conn.fetchone(f"select exception_id from {centre.TABLE} where kind = ? "
                              "and system = ? and key = ?", [kind, system, key])
        if found is None:
            exception_id = int(conn.scalar("select nextval('ops.exception_id_seq')"))
            conn.execute(f"insert into {centre.TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                         "'OPEN', null, null)", [exception_id, kind, severity, system, key,
                                                 first, last, added, sample])
        else:
            exception_id = found[0]
            conn.execute(f"update {centre.TABLE} set count = count + ?, last_seen = "
                         "greatest(last_seen, ?), sample = coalesce(?, sample), severity = ?, "
                         "status = case when ? then 'OPEN' else status end "
                         "where exception_id = ?",
                         [added, last, sample, severity, opened, exception_id])
        conn.execute(f"insert into {centre.HISTORY} select ?, changed_at, actor, action, "
                     f"status, note from {COPY}.{centre.HISTORY} where exception_id = ? "
                     "and changed_at >= ?", [exception_id, copied, taken_at])
        conn.execute(f"insert into {centre.OCCURRENCE} select ?, occurrence from "
                     f"{COPY}.{centre.OCCURRENCE} where exception_id = ? and occurrence not in "
                     f"(select occurrence from {centre.OCCURRENCE} where exception_id = ?)",
                     [exception_id, copied, exception_id])


# answered while a run owns the warehouse, although they write: their writes are replayed
REPLAYED = ("/v1/identify", "/v1/customers/search")
READING = ("GET", "HEAD", "OPTIONS")


def refused_during_run(method: str, path: str) -> bool:
    """A write that would be lost, or the change feed, whose numbers the run hands out."""
    return path.startswith("/v1/events") or (method not in READING and path not in REPLAYED)


def unavailable_page(request: Request) -> Response:
    """The 503 of a page's form: a page in the reader's language (Chinese unless they
    chose English), saying the nightly runs and to send it again after it."""
    answer = pages.error_page(request, 503, pages.NIGHTLY_RUNNING)
    answer.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return answer


def unavailable(what: str) -> JSONResponse:
    return JSONResponse({"detail": f"{what}: the nightly run owns the warehouse; retry "
                                   "after it"}, status_code=503,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


class RefusedDuringRun:
    """503 with Retry-After for what cannot be answered while a run owns the warehouse: a
    page on the pages (a browser's form post), JSON on the API."""

    def __init__(self, app: ASGIApp, hand_over: HandOver) -> None:
        self.app = app
        self.hand_over = hand_over

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and self.hand_over.during_run
                and refused_during_run(scope["method"], scope["path"])):
            request = Request(scope)
            answer = (unavailable_page(request) if pages.on_a_page(request)
                      else unavailable(f"{scope['method']} {scope['path']}"))
            await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)
