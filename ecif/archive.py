"""`ecif archive`: raw rows that no longer shape the current state leave the warehouse.

A raw row whose disposition is not CURRENT (SUPERSEDED, DELETED, DELETE_MARKER,
BEFORE_FULL: dbt_project/macros/current_state.sql) and whose business date is older
than the retention window (ECIF_RAW_RETENTION_DAYS, default 90) moves to a Parquet file
`<archive>/<system>/<entity>/<business date>.parquet` (folder 0700, files 0600: they
hold personal data). Removing such a row changes no other row's disposition: a row that
replaced it is later, hence kept, and every row before a FULL batch is older than it.
So the staging tables stay what a build from scratch on the remaining raw rows gives.

Per entity and business date, under the warehouse lock: the file is written (merged
with what it already held), fsynced and renamed into place, then in one transaction the
rows leave the raw table, the disposition table and quality.dq_exception, and
`raw.archived_batch_rows` counts them per batch (so landed = raw + archived). An archive
interrupted between the file and the delete is completed by the next one: the rows are
still selected, and merged into the file by (batch, row number) without doubling.

`restore_archive` (`ecif run --full --from-archive`) puts the archived rows back into
raw before a full rebuild; `erase_from_archive` rewrites the files without a person
erased since they were written (the erasure register, ecif.landing.erasures), and lists
the rows it dropped or emptied in raw.landing_erased, as landing lists a file's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ecif import settings
from ecif.backup import owner_only
from ecif.extract_spec import BY_NAME, ENTITIES, EntitySpec
from ecif.landing import erasures
from ecif.landing.bookkeeping import ERASED, ensure_bookkeeping, record_erased
from ecif.landing.calendar import business_today
from ecif.landing.raw_tables import all_columns, insert_rows, table_name
from ecif.run_lock import holding_the_lock
from ecif.staging_state import pending_batches
from ecif.warehouse import Connection, Warehouse, WarehouseError

ARCHIVED = "raw.archived_batch_rows"
# the highest erasure request the files were screened against
SCREENED_MARK = ".erasures_screened"
_META_TYPES = {"_row_number": pa.int64(), "_loaded_at": pa.timestamp("us")}


class ArchiveError(WarehouseError):
    """An archive that cannot go on: reported in one line."""


def archive_root(warehouse: Warehouse) -> Path:
    """ECIF_ARCHIVE, else beside the DuckDB file (`<name>.archive/`), else
    `archive/<database>/` in the working folder, as the operations log does."""
    chosen = settings.current().archive_dir
    if chosen:
        return chosen
    if warehouse.kind == "duckdb":
        return warehouse.duckdb_path.with_suffix(".archive")
    return Path.cwd() / "archive" / f"ecif-{warehouse.pg_params['dbname']}"


@dataclass(frozen=True)
class ArchiveReport:
    rows: int
    files: int
    cutoff: str       # business dates before it were eligible
    folder: Path
    waiting: list[str]    # system.entity left for after their staging build

    def line(self) -> str:
        return (f"archive: {self.rows:,} raw row(s) before {self.cutoff} that no longer shape "
                f"the current state moved to {self.files} file(s) in {self.folder}"
                + (f"; not yet staged, left for later: {', '.join(self.waiting)}"
                   if self.waiting else ""))


def ensure_archived_table(conn: Connection) -> None:
    conn.execute("create schema if not exists raw")
    conn.execute(f"create table if not exists {ARCHIVED} (batch_id text, system text, "
                 "entity text, business_date text, file text, rows bigint)")


def archive_file(root: Path, spec: EntitySpec, business_date: str) -> Path:
    return root / spec.system / spec.entity / f"{business_date}.parquet"


def _disposition_table(spec: EntitySpec) -> str:
    return f"staging.stg_{spec.raw_table}_disposition"


def _leaving(spec: EntitySpec) -> str:
    """The condition on raw rows `r` (with `?` for the cutoff) that archiving moves."""
    return (f"r._business_date < ? and exists (select 1 from {_disposition_table(spec)} "
            "as d where d._batch_id = r._batch_id and d._row_number = r._row_number "
            "and d._disposition <> 'CURRENT')")


def _schema(spec: EntitySpec) -> pa.Schema:
    return pa.schema([(c, _META_TYPES.get(c, pa.string())) for c in all_columns(spec)])


@holding_the_lock("ecif archive")
def archive_raw(warehouse: Warehouse, archive_dir: Path | None = None,
                days: int | None = None, today: date | None = None) -> ArchiveReport:
    """Move the raw rows older than `days` (default: the setting) that are not their
    key's current state to the archive."""
    root = archive_dir or archive_root(warehouse)
    days = days or settings.current().raw_retention_days
    cutoff = f"{(today or business_today()) - timedelta(days=days):%Y%m%d}"
    with warehouse.connect() as conn:
        _screen_if_pending(conn, root)
        # the staging build decides what is current: an entity with batches it has not
        # built yet (a night stopped, a system held back) waits for it
        waiting = sorted(f"{system}.{entity}" for system, entity in pending_batches(conn))
        ensure_archived_table(conn)
        rows = files = 0
        for spec in ENTITIES:
            if f"{spec.system}.{spec.entity}" in waiting or not (
                    conn.table_exists("raw", spec.raw_table) and
                    conn.table_exists("staging", f"stg_{spec.raw_table}_disposition")):
                continue
            for business_date, table in _leaving_rows(conn, spec, cutoff):
                _write(archive_file(root, spec, business_date), table)
                _forget_in_warehouse(conn, spec, business_date, cutoff,
                                     archive_file(root, spec, business_date))
                rows += table.num_rows
                files += 1
    return ArchiveReport(rows, files, cutoff, root, waiting)


def _leaving_rows(conn: Connection, spec: EntitySpec,
                  cutoff: str) -> Iterator[tuple[str, pa.Table]]:
    """Per business date, the rows that leave, in raw-table column order."""
    dates = [r[0] for r in conn.fetchall(
        f"select distinct _business_date from {table_name(spec)} as r where {_leaving(spec)} "
        "order by 1", [cutoff])]
    columns = ", ".join(f"r.{c}" for c in all_columns(spec))
    for business_date in dates:
        found = conn.fetchall(
            f"select {columns} from {table_name(spec)} as r where r._business_date = ? and "
            f"{_leaving(spec)} order by r._batch_id, r._row_number", [business_date, cutoff])
        yield business_date, pa.Table.from_pylist(
            [dict(zip(all_columns(spec), row, strict=True)) for row in found], _schema(spec))


def _write(path: Path, rows: pa.Table) -> None:
    """Merge `rows` into the file (a row already there by batch and row number stays
    once), durably: written beside it, fsynced, renamed, the folder fsynced."""
    if path.exists():
        held = pq.read_table(path)
        new = pc.binary_join_element_wise(rows["_batch_id"], pc.cast(rows["_row_number"],
                                                                      pa.string()), "\0")
        old = pc.binary_join_element_wise(held["_batch_id"], pc.cast(held["_row_number"],
                                                                      pa.string()), "\0")
        rows = pa.concat_tables([held.filter(pc.invert(pc.is_in(old, value_set=new))), rows])
        rows = rows.sort_by([("_batch_id", "ascending"), ("_row_number", "ascending")])
    _replace(path, rows)


def _replace(path: Path, rows: pa.Table) -> None:
    with owner_only():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fresh = path.with_name(f".{path.name}.writing")
        pq.write_table(rows, fresh)
        with fresh.open("rb") as written:
            os.fsync(written.fileno())
        fresh.replace(path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _forget_in_warehouse(conn: Connection, spec: EntitySpec, business_date: str,
                         cutoff: str, path: Path) -> None:
    """The archived rows leave raw, their explanations and their dispositions."""
    same_row = "r._batch_id = {0}._batch_id and r._row_number = {0}._row_number"
    on_date = f"r._business_date = ? and {_leaving(spec)}"
    with conn.transaction():
        if conn.table_exists("quality", "dq_exception"):
            conn.execute(
                f"delete from quality.dq_exception as e where model = 'stg_{spec.raw_table}' "
                f"and field is null and exists (select 1 from {table_name(spec)} as r where "
                f"{on_date} and {same_row.format('e')})", [business_date, cutoff])
        conn.execute(f"delete from {table_name(spec)} as r where {on_date}",
                     [business_date, cutoff])
        # every raw row has a disposition (no batch is pending): those left without one
        # are the rows just archived
        conn.execute(
            f"delete from {_disposition_table(spec)} as d0 where d0._disposition <> 'CURRENT' "
            "and d0._business_date = ? and not exists (select 1 from "
            f"{table_name(spec)} as r where {same_row.format('d0')})", [business_date])
        _count(conn, spec, business_date, pq.read_table(path, columns=["_batch_id"]), path)


def _count(conn: Connection, spec: EntitySpec, business_date: str, held: pa.Table,
           path: Path) -> None:
    """The archived rows per batch: what the file now holds."""
    conn.execute(f"delete from {ARCHIVED} where system = ? and entity = ? and "
                 "business_date = ?", [spec.system, spec.entity, business_date])
    for batch in held.group_by("_batch_id").aggregate([("_batch_id", "count")]).to_pylist():
        conn.execute(f"insert into {ARCHIVED} values (?, ?, ?, ?, ?, ?)",
                     [batch["_batch_id"], spec.system, spec.entity, business_date,
                      path.relative_to(path.parents[2]).as_posix(), batch["_batch_id_count"]])


def _files(root: Path) -> Iterator[tuple[EntitySpec, str, Path]]:
    for path in sorted(root.glob("*/*/*.parquet")):
        yield BY_NAME[(path.parent.parent.name, path.parent.name)], path.stem, path


def erase_from_archive(conn: Connection, root: Path) -> int:
    """Rewrite the archive files that hold rows of a person erased since they were last
    screened: the rows dropped or their fields emptied, as landing screens a file. The
    files rewritten."""
    if not (root.is_dir() and conn.table_exists("security", "erasure_register")):
        return 0
    latest = conn.scalar(f"select max(request_id) from {erasures.REGISTER}")
    mark = root / SCREENED_MARK
    if latest is None or (mark.is_file() and int(mark.read_text()) >= latest):
        return 0
    register = erasures.Register.load(conn)
    ensure_bookkeeping(conn)
    rewritten = 0
    for spec, business_date, path in _files(root):
        held = pq.read_table(path)
        kept, screened = erasures.screen(register, spec, held)
        if not screened:
            continue
        _replace(path, kept)
        with conn.transaction():
            _count(conn, spec, business_date, kept, path)
            _record_erased(conn, spec, held["_batch_id"][0].as_py(), screened)
        rewritten += 1
    with owner_only():
        mark.write_text(str(latest))
    return rewritten


def _record_erased(conn: Connection, spec: EntitySpec, batch_id: str,
                   screened: list[tuple[int, str]]) -> None:
    """The screened rows in raw.landing_erased, as landing records those of a file (a
    file holds one business date of one entity: one batch). A shared row (a claim) is
    screened again by each later erasure: listed once."""
    listed = set(conn.fetchall(f"select row_number, field from {ERASED} where batch_id = ?",
                               [batch_id]))
    record_erased(conn, batch_id=batch_id, system=spec.system, entity=spec.entity,
                  screened=[s for s in screened if s not in listed])


def _screen_if_pending(conn: Connection, root: Path) -> None:
    if conn.table_exists("raw", "archived_batch_rows"):
        erase_from_archive(conn, root)


@holding_the_lock("ecif run --from-archive")
def restore_archive(warehouse: Warehouse, archive_dir: Path | None = None) -> int:
    """Put the archived rows back into raw (for a full rebuild from all history); the
    files go once their rows are committed. The rows restored."""
    root = archive_dir or archive_root(warehouse)
    with warehouse.connect() as conn:
        if not conn.table_exists("raw", "archived_batch_rows"):
            return 0
        _screen_if_pending(conn, root)
        restored = 0
        for system, entity, business_date in conn.fetchall(
                f"select distinct system, entity, business_date from {ARCHIVED} order by 1, 2, 3"):
            spec = BY_NAME[(system, entity)]
            path = archive_file(root, spec, business_date)
            if not path.is_file():
                raise ArchiveError(f"{path}: {ARCHIVED} lists its rows as archived, but the "
                                   "file is missing (is ECIF_ARCHIVE the archive folder?)")
            rows = pq.read_table(path)
            with conn.transaction():
                insert_rows(conn, spec, rows)
                conn.execute(f"delete from {ARCHIVED} where system = ? and entity = ? and "
                             "business_date = ?", [system, entity, business_date])
            path.unlink()
            restored += rows.num_rows
    return restored
