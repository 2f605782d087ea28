"""Where the warehouse lives and how to open it: an embedded DuckDB file or PostgreSQL.

Every command takes `--warehouse URL` (or `ECIF_WAREHOUSE`, ecif.settings):
`duckdb:///path/file.duckdb` or `postgresql://user@host:port/db`.
Callers write SQL with `?` placeholders; the PostgreSQL wrapper translates them,
so one statement text serves both engines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlparse

from ecif import settings


class WarehouseError(ValueError):
    """A warehouse URL that cannot be understood."""


@dataclass(frozen=True)
class Warehouse:
    url: str

    @property
    def kind(self) -> Literal["duckdb", "postgres"]:
        scheme = urlparse(self.url).scheme
        if scheme == "duckdb":
            return "duckdb"
        if scheme in ("postgresql", "postgres"):
            return "postgres"
        raise WarehouseError(
            f"unsupported warehouse URL {self.url!r}: use duckdb:///path/file.duckdb "
            "or postgresql://user@host:port/db"
        )

    @property
    def duckdb_path(self) -> Path:
        """`duckdb:///ecif.duckdb` is relative to the working directory,
        `duckdb:////abs/path.duckdb` absolute."""
        path = self.url.removeprefix("duckdb:///")
        return Path(unquote(path)).resolve()

    @property
    def duckdb_settings(self) -> dict[str, str]:
        """memory_limit and temp_directory (default: `<warehouse file>.tmp`), from the
        settings; the same for ecif's own connections and dbt's (profiles.yml). DuckDB
        spills to the directory beyond the limit instead of growing: the rest of the RAM
        stays for matching's frames and the operating system."""
        current = settings.current()
        return {
            "memory_limit": current.duckdb_memory_limit,
            "temp_directory": current.duckdb_temp_dir or f"{self.duckdb_path}.tmp",
        }

    @property
    def pg_params(self) -> dict[str, Any]:
        parts = urlparse(self.url)
        return {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            "user": unquote(parts.username or "postgres"),
            "password": unquote(parts.password or ""),
            "dbname": parts.path.lstrip("/") or "postgres",
        }

    def connect(self) -> Connection:
        if self.kind == "duckdb":
            opener = _OPENERS.get(self.duckdb_path)
            return opener() if opener else self.open_duckdb(self.duckdb_path)
        import psycopg

        params = {k: v for k, v in self.pg_params.items() if v != ""}
        # no JIT: compiling the long expressions of matching's and dbt's queries costs
        # minutes where running them takes a second (macros/planner_statistics.sql)
        try:
            raw = psycopg.connect(**params, autocommit=True, options="-c jit=off")
        except psycopg.OperationalError as e:     # a missing database, say: one line
            raise WarehouseError(f"cannot connect to PostgreSQL database {params['dbname']} "
                                 f"at {params['host']}:{params['port']}: "
                                 f"{' '.join(str(e).split())}") from e
        return Connection(self, raw)

    def open_duckdb(self, path: Path) -> Connection:
        """The DuckDB file `path` (the warehouse's own or a copy of it), opened with the
        warehouse's settings."""
        import duckdb

        path.parent.mkdir(parents=True, exist_ok=True)
        raw = duckdb.connect(str(path))
        # SET, not connect(config=...): DuckDB refuses a second connection to an open
        # file with another config, and dbt connects in the same process
        for name, value in self.duckdb_settings.items():
            raw.execute(f"set {name} = '{value.replace(chr(39), chr(39) * 2)}'")
        return Connection(self, raw)


# DuckDB files this process opens through a connection's owner rather than by opening
# the file: the service's (ecif.service.connections), which may be serving a copy
# while a run owns the file
_OPENERS: dict[Path, Callable[[], Connection]] = {}


def route_opening(path: Path, opener: Callable[[], Connection] | None) -> None:
    """From now on `Warehouse.connect()` of the DuckDB file `path` in this process calls
    `opener` (None: opens the file again)."""
    if opener is None:
        _OPENERS.pop(path, None)
    else:
        _OPENERS[path] = opener


# DuckDB names a database after its file: a file called like one of our schemas
# would make `staging.x` ambiguous.
SCHEMAS = ("raw", "staging", "intermediate", "matching", "marts", "quality", "reference",
           "snapshots", "stewardship", "audit", "reports", "security", "events", "ops", "main",
           "serving")


def resolve(url: str | None = None) -> Warehouse:
    """The warehouse named on the command line, else in the settings (ECIF_WAREHOUSE)."""
    warehouse = Warehouse(url or settings.current().warehouse_url)
    if warehouse.kind == "duckdb" and warehouse.duckdb_path.stem in SCHEMAS:
        raise WarehouseError(f"DuckDB file {warehouse.duckdb_path.name}: its name is also a "
                             "schema of the warehouse; choose another file name")
    return warehouse


_PLACEHOLDER = re.compile(r"\?")


class Connection:
    """A thin, engine-neutral connection: `execute`, `transaction`, `close`.

    `raw` is the driver's own connection for engine-specific bulk paths
    (DuckDB's Arrow scans, PostgreSQL's COPY).
    """

    def __init__(self, warehouse: Warehouse, raw: Any) -> None:
        self.warehouse = warehouse
        self.raw = raw
        self._in_transaction = False

    @property
    def kind(self) -> str:
        return self.warehouse.kind

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        if self.kind == "postgres":
            sql = _PLACEHOLDER.sub("%s", sql.replace("%", "%%")) if params else sql
            return self.raw.execute(sql, params)
        return self.raw.execute(sql, params) if params else self.raw.execute(sql)

    def fetchall(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        return self.execute(sql, params).fetchall()

    def fetchone(self, sql: str, params: Sequence[Any] | None = None) -> tuple | None:
        # all rows read: DuckDB refuses a later Arrow scan while a result is unfinished
        rows = self.fetchall(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        row = self.fetchone(sql, params)
        return row[0] if row else None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """All or nothing: commit on success, roll back on any exception."""
        if self.kind == "postgres":
            with self.raw.transaction():
                yield self
            return
        self.raw.execute("BEGIN TRANSACTION")
        try:
            yield self
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise
        self.raw.execute("COMMIT")

    def table_exists(self, schema: str, table: str) -> bool:
        return bool(
            self.scalar(
                "select count(*) from information_schema.tables "
                "where table_schema = ? and table_name = ?",
                [schema, table],
            )
        )

    def columns(self, schema: str, table: str) -> list[str]:
        rows = self.fetchall(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        )
        return [r[0] for r in rows]

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_COLUMN_TYPES = {"i": "bigint", "u": "bigint", "f": "double precision", "b": "boolean",
                 "M": "timestamp"}


def write_frame(conn: Connection, schema: str, table: str, frame: Any, *,
                replace: bool = True) -> None:
    """Bulk-write a pandas DataFrame: DuckDB scans it in place, PostgreSQL takes it by COPY.

    `replace` drops and recreates the table; otherwise rows are appended to it
    (created when missing). Column types come from the frame's dtypes, text for the
    rest, so an empty frame still makes a usable table. Call it inside
    `conn.transaction()` for all-or-nothing.
    """
    target = f"{schema}.{table}"
    conn.execute(f"create schema if not exists {schema}")
    columns = ", ".join(
        f'"{name}" {_COLUMN_TYPES.get(dtype.kind, "text")}' for name, dtype in frame.dtypes.items()
    )
    if replace:
        conn.execute(f"drop table if exists {target}")
    conn.execute(f"create table if not exists {target} ({columns})")
    if frame.empty:
        return
    names = ", ".join(f'"{c}"' for c in frame.columns)
    if conn.kind == "duckdb":
        conn.raw.register("_ecif_frame", frame)
        try:
            conn.execute(f"insert into {target} ({names}) select {names} from _ecif_frame")
        finally:
            conn.raw.unregister("_ecif_frame")
        return
    values = frame.astype(object).where(frame.notna(), None)
    with conn.raw.cursor() as cur, cur.copy(f"copy {target} ({names}) from stdin") as copy:
        for row in values.itertuples(index=False, name=None):
            copy.write_row(row)
    # a fresh table has no statistics until autovacuum gets to it: the planner would
    # take it for empty and nest loops over it (minutes instead of a second)
    conn.execute(f"analyze {target}")


def rewrite_duckdb_file(warehouse: Warehouse) -> None:
    """Copy a DuckDB warehouse into a fresh file and put it in place of the old one.

    DuckDB reuses freed blocks but does not wipe them: deleted values stay in the
    file's bytes even after CHECKPOINT and VACUUM. A copy holds live data only. The
    fresh file is attached under the old one's database name, so that views naming
    it (`"warehouse"."staging"...`) bind; no other connection may be open.
    """
    path = warehouse.duckdb_path
    folder = path.parent / f".{path.name}.rewrite"
    folder.mkdir(exist_ok=True)
    fresh = folder / path.name
    try:
        copy_duckdb_file(path, fresh)
        fresh.replace(path)
    finally:
        fresh.unlink(missing_ok=True)
        folder.rmdir()


def copy_duckdb_file(path: Path, fresh: Path) -> None:
    """A copy of the live data of DuckDB file `path` as the new file `fresh` (which must
    have the same name: views name their database). It fails while another process
    writes to `path`, so the copy is always of a consistent, checkpointed file."""
    import duckdb

    with duckdb.connect(str(path)) as conn:
        conn.execute("checkpoint")  # nothing left in the write-ahead log
    fresh.unlink(missing_ok=True)
    with duckdb.connect() as conn:
        conn.execute("attach ? as _ecif_old (read_only)", [str(path)])
        conn.execute(f'attach ? as "{path.stem}"', [str(fresh)])
        conn.execute(f'copy from database _ecif_old to "{path.stem}"')
