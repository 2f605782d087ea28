"""One writer of the published state at a time: the warehouse lock.

Every pipeline step (land, staging, matching, marts, quality, publish) and the runner
of the rebuilds steward decisions queue (`ecif rebuild`) hold it, so that `ecif run`, an
Airflow task and that runner never interleave their writes. It is re-entrant within a
thread: `ecif run` holds it for the whole night and its steps take it again without
waiting.

- DuckDB: an exclusive `flock` on `<warehouse file>.lock`, which names its holder (pid,
  host, start time, what). The kernel releases a lock whose process died, so a lock
  file left behind by a killed run is stale by construction and never blocks. Once it
  holds the lock, the holder asks a service that has the file open to step aside
  (ecif.hand_over). A command that opens the file outside a run (`ecif steward …`)
  holds it too while a service runs (`beside_the_service`), for the same hand-over.
- PostgreSQL: a session-level advisory lock on a connection of its own, whose
  `application_name` names the holder (pg_stat_activity shows it); the server
  releases it when that connection ends, however the process ended.

A second writer waits up to `ECIF_LOCK_WAIT` seconds (default 300), then fails with
one line naming the holder.
"""

from __future__ import annotations

import fcntl
import functools
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from ecif import settings
from ecif.hand_over import ServiceDidNotStepAside, ask_to_step_aside, serving_process
from ecif.warehouse import Connection, Warehouse

WAIT_VAR = "ECIF_LOCK_WAIT"
POLL_SECONDS = 0.5
# the advisory lock's key: a constant of ours, which no other application of the
# database is expected to use
PG_LOCK_KEY = 7_351_194_426_044_411

F = TypeVar("F", bound=Callable[..., Any])


class WarehouseBusy(RuntimeError):
    """Another run holds the warehouse lock; the message names it."""


class _Held(threading.local):
    """The warehouse locks this thread holds: URL → how many `exclusive` deep."""

    def __init__(self) -> None:
        self.depth: dict[str, int] = {}


_held = _Held()
# one thread of a process at a time per warehouse (flock and advisory locks are per
# process or session, not per thread)
_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


def wait_seconds() -> float:
    return settings.current().lock_wait_seconds


@contextmanager
def exclusive(warehouse: Warehouse, what: str) -> Iterator[None]:
    """Hold the warehouse lock for `what` (e.g. "ecif run", "approval 12")."""
    depth = _held.depth.get(warehouse.url, 0)
    if depth:
        _held.depth[warehouse.url] = depth + 1
        try:
            yield
        finally:
            _held.depth[warehouse.url] = depth
        return
    deadline = time.monotonic() + wait_seconds()
    with _process_locks_guard:
        in_process = _process_locks.setdefault(warehouse.url, threading.Lock())
    if not in_process.acquire(timeout=max(0.0, deadline - time.monotonic())):
        raise WarehouseBusy(f"warehouse {_name(warehouse)} is busy: another thread of this "
                            f"process holds its lock (waited {wait_seconds():.0f} s)")
    try:
        take = _take_file_lock if warehouse.kind == "duckdb" else _take_advisory_lock
        release = take(warehouse, f"{what}, pid {os.getpid()} on {socket.gethostname()}",
                       deadline)
        _held.depth[warehouse.url] = 1
        try:
            yield
        finally:
            del _held.depth[warehouse.url]
            release()
    finally:
        in_process.release()


def yield_to_the_service() -> None:
    """A nightly's process (`ecif run`, a DAG task) gives the CPUs to the service first:
    its threads run ECIF_RUN_NICE nicer, so a seat's identify call beside the night waits
    less for a core (README, "During the nightly"). Linux keeps the nice value per thread
    and new threads inherit it: called before the run opens the warehouse, so DuckDB's
    and dbt's threads are nicer too. Never raises a priority (that needs privileges)."""
    nice = settings.current().run_nice
    if os.getpriority(os.PRIO_PROCESS, 0) < nice:
        os.setpriority(os.PRIO_PROCESS, 0, nice)


@contextmanager
def beside_the_service(warehouse: Warehouse, what: str) -> Iterator[None]:
    """DuckDB, while `ecif serve` keeps the file open: hold the lock for `what` (a
    command that opens the warehouse outside a run), so that the service steps aside
    and takes the file back after it. What `what` wrote stays: the service's replay
    only adds the rows identification wrote into its copy. Nothing otherwise: with no
    service the command opens the file itself, and PostgreSQL takes concurrent
    sessions."""
    if warehouse.kind == "duckdb" and serving_process(warehouse) is not None:
        with exclusive(warehouse, what):
            yield
    else:
        yield


def next_run_id(conn: Connection, table: str, prefix: str) -> str:
    """The run id after the highest of `table`'s run_id column (R000041 → R000042), not a
    count of runs (which a deleted run would make repeat). Drawn by a holder of the lock,
    it is never drawn twice."""
    schema, name = table.split(".")
    last = (conn.scalar(f"select max(cast(substr(run_id, {len(prefix) + 1}) as integer)) "
                        f"from {table} where run_id like '{prefix}%'")
            if conn.table_exists(schema, name) else None)
    return f"{prefix}{(last or 0) + 1:06d}"


def holding_the_lock(what: str) -> Callable[[F], F]:
    """Decorator of a step whose first argument is the warehouse."""
    def decorate(step: F) -> F:
        @functools.wraps(step)
        def locked(warehouse: Warehouse, *args: Any, **kwargs: Any) -> Any:
            with exclusive(warehouse, what):
                return step(warehouse, *args, **kwargs)
        return locked  # type: ignore[return-value]
    return decorate


def _busy(warehouse: Warehouse, holder: str | None) -> WarehouseBusy:
    return WarehouseBusy(f"warehouse {_name(warehouse)} is busy: {holder or 'another run'} "
                         f"holds its lock; waited {wait_seconds():.0f} s ({WAIT_VAR})")


def _name(warehouse: Warehouse) -> str:
    """The warehouse without its password."""
    if warehouse.kind == "duckdb":
        return str(warehouse.duckdb_path)
    p = warehouse.pg_params
    return f"postgresql://{p['user']}@{p['host']}:{p['port']}/{p['dbname']}"


def lock_file(warehouse: Warehouse):
    return warehouse.duckdb_path.with_name(warehouse.duckdb_path.name + ".lock")


def _take_file_lock(warehouse: Warehouse, holder: str,
                    deadline: float) -> Callable[[], None]:
    """holder: what, pid and host; the file adds since when."""
    path = lock_file(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                current = _read_holder(fd)
                os.close(fd)
                raise _busy(warehouse, current) from None
            time.sleep(POLL_SECONDS)
    os.ftruncate(fd, 0)
    since = datetime.now().astimezone().isoformat(timespec="seconds")
    os.pwrite(fd, f"{holder}, since {since}".encode(), 0)

    def release() -> None:
        os.ftruncate(fd, 0)
        os.close(fd)        # closing the descriptor releases the flock
    try:
        ask_to_step_aside(warehouse)     # a service holding the file open lets go of it
    except ServiceDidNotStepAside as e:
        release()
        raise WarehouseBusy(str(e)) from None
    return release


def _read_holder(fd: int) -> str | None:
    return os.pread(fd, 4096, 0).decode(errors="replace") or None


def _take_advisory_lock(warehouse: Warehouse, holder: str,
                        deadline: float) -> Callable[[], None]:
    conn = warehouse.connect()
    try:
        # the holder's name, where the next writer reads it (the server keeps 63 bytes;
        # since when is the connection's backend_start)
        conn.execute("select set_config('application_name', ?, false)", [f"ecif: {holder}"])
        while not conn.scalar("select pg_try_advisory_lock(?)", [PG_LOCK_KEY]):
            if time.monotonic() >= deadline:
                raise _busy(warehouse, _advisory_holder(conn))
            time.sleep(POLL_SECONDS)
    except BaseException:
        conn.close()
        raise

    def release() -> None:
        try:
            conn.execute("select pg_advisory_unlock(?)", [PG_LOCK_KEY])
        finally:
            conn.close()
    return release


def _advisory_holder(conn) -> str | None:
    found = conn.fetchall(
        "select a.application_name, a.backend_start from pg_locks l "
        "join pg_stat_activity a on a.pid = l.pid "
        "where l.locktype = 'advisory' and l.granted and l.objsubid = 1 and l.database = "
        "(select oid from pg_database where datname = current_database()) "
        "and ((l.classid::bigint << 32) | l.objid::bigint) = ?", [PG_LOCK_KEY])
    if not found:
        return None       # released at this moment
    name, started = found[0]
    return f"{name.removeprefix('ecif: ')}, since {started.isoformat(timespec='seconds')}"
