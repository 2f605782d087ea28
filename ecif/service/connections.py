"""The service's own connections to the warehouse, kept for the life of the process.

Opening the warehouse per request costs more than most requests: a DuckDB file is
loaded (and checkpointed on close) each time no other request holds it open, and a
PostgreSQL login is a round of authentication. So on DuckDB the service keeps the
database open and gives each request its own cursor (a connection to the same
database: reads in parallel, writes in one process as DuckDB requires); on
PostgreSQL it keeps idle connections for the next request.

On DuckDB every opening of the warehouse in this process (`Warehouse.connect()` too)
is a cursor of that database, and the service counts the cursors in use: it can pause
requests until none is, and switch the database under them, to hand the file over to
a run (ecif.service.hand_over) and take it back.
"""

from __future__ import annotations

import queue
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ecif.warehouse import Connection, Warehouse, route_opening

DRAIN_SECONDS = 60.0


class _Cursor(Connection):
    """A request's cursor, counted until it is closed."""

    def __init__(self, warehouse: Warehouse, raw: Any, done: Any) -> None:
        super().__init__(warehouse, raw)
        self._done = done
        self.holder = threading.get_ident()

    def close(self) -> None:
        try:
            super().close()
        finally:
            done, self._done = self._done, None
            if done:
                done(self.holder)


class ServiceConnections:
    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse
        self._database: Any = None
        self._idle: queue.LifoQueue[Connection] = queue.LifoQueue()
        self._state = threading.Condition()
        self._in_use = 0
        self._paused = False
        # thread → cursors it took and not yet closed (FastAPI may close a dependency's
        # in another thread: counted against the taker)
        self._held: Counter[int] = Counter()
        if warehouse.kind == "duckdb":
            self._database = warehouse.open_duckdb(warehouse.duckdb_path).raw
            route_opening(warehouse.duckdb_path, self._cursor)

    def _cursor(self) -> Connection:
        me = threading.get_ident()
        with self._state:
            # a thread holding a cursor gets its next one at once: waiting for the
            # pause it holds up would never end (and once none is held, none is taken)
            while self._paused and not self._held[me]:
                self._state.wait()
            cursor = self._database.cursor()    # cursor() on one connection: one at a time
            self._in_use += 1
            self._held[me] += 1
        return _Cursor(self.warehouse, cursor, self._done)

    def _done(self, holder: int) -> None:
        with self._state:
            self._in_use -= 1
            self._held[holder] -= 1
            if not self._held[holder]:
                del self._held[holder]
            self._state.notify_all()

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        if self.warehouse.kind == "duckdb":
            with self._cursor() as conn:
                yield conn
            return
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = self.warehouse.connect()
        try:
            yield conn
        except BaseException:
            conn.close()        # its state is unknown: never hand it to another request
            raise
        if conn.raw.closed or conn.raw.broken:
            conn.close()
        else:
            self._idle.put(conn)

    @contextmanager
    def paused(self) -> Iterator[Connection]:
        """DuckDB: no request holds a cursor inside this block (new ones wait); yields a
        connection to the database, which `switch` may replace."""
        with self._state:
            self._paused = True
            if not self._state.wait_for(lambda: self._in_use == 0, DRAIN_SECONDS):
                self._paused = False
                self._state.notify_all()
                raise TimeoutError(f"requests still held the warehouse after "
                                   f"{DRAIN_SECONDS:.0f} s")
        try:
            yield Connection(self.warehouse, self._database)
        finally:
            with self._state:
                self._paused = False
                self._state.notify_all()

    def switch(self, database: Any) -> Any:
        """Inside `paused`: serve from `database` (a DuckDB connection); the one served
        before, for the caller to close."""
        previous, self._database = self._database, database
        return previous

    def close(self) -> None:
        if self._database is not None:
            route_opening(self.warehouse.duckdb_path, None)
            self._database.close()
        while not self._idle.empty():
            self._idle.get_nowait().close()
