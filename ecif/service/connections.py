"""The service's own connections to the warehouse, kept for the life of the process.

Opening the warehouse per request costs more than most requests: a DuckDB file is
loaded (and checkpointed on close) each time no other request holds it open, and a
PostgreSQL login is a round of authentication. So on DuckDB the service keeps the
database open and gives each request its own cursor (a connection to the same
database: reads in parallel, writes in one process as DuckDB requires); on
PostgreSQL it keeps idle connections for the next request.

On DuckDB this means the service holds the file's lock while it runs: other
processes (`ecif run`, `ecif steward …`) cannot open the warehouse until it stops.
Requests that open the warehouse through `Warehouse.connect()` in this process share
the open database (DuckDB keeps one instance per file per process).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ecif.warehouse import Connection, Warehouse


class ServiceConnections:
    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse
        self._database: Any = None
        self._idle: queue.LifoQueue[Connection] = queue.LifoQueue()
        self._opening = threading.Lock()
        if warehouse.kind == "duckdb":
            self._database = warehouse.connect().raw

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        if self._database is not None:
            with self._opening:     # cursor() on one DuckDB connection from many threads
                cursor = self._database.cursor()
            try:
                yield Connection(self.warehouse, cursor)
            finally:
                cursor.close()
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

    def close(self) -> None:
        if self._database is not None:
            self._database.close()
        while not self._idle.empty():
            self._idle.get_nowait().close()
