"""The raw tables `raw.<system>__<entity>`: DDL and the bulk insert, per engine.

Layout: every source column as text, named as in the contract (incl. `op`),
then RAW_META_COLUMNS: `_batch_id`, `_business_date` (text YYYYMMDD),
`_extract_type`, `_file` (relative path), `_row_number` bigint (1-based data
row / record ordinal), `_loaded_at` timestamp (UTC, one value per batch).
Append-only: a batch's rows are only ever removed by an explicit re-run.

DuckDB inserts straight from the Arrow table (a registered view, no copy);
PostgreSQL streams it through `COPY ... FROM STDIN (FORMAT csv)` in record-batch
sized chunks written by pyarrow's CSV writer (null = unquoted empty field).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ecif.extract_spec import RAW_META_COLUMNS, EntitySpec
from ecif.warehouse import Connection

SCHEMA = "raw"
COPY_CHUNK_ROWS = 100_000
_META_TYPES = {"_row_number": "bigint", "_loaded_at": "timestamp"}


@dataclass(frozen=True)
class BatchMeta:
    batch_id: str
    business_date: str
    extract_type: str
    file: str
    loaded_at: datetime  # naive UTC


def table_name(spec: EntitySpec) -> str:
    return f"{SCHEMA}.{spec.raw_table}"


def all_columns(spec: EntitySpec) -> list[str]:
    return [*spec.columns, *RAW_META_COLUMNS]


def ensure_raw_table(conn: Connection, spec: EntitySpec) -> None:
    conn.execute(f"create schema if not exists {SCHEMA}")
    if conn.table_exists(SCHEMA, spec.raw_table):
        have = conn.columns(SCHEMA, spec.raw_table)
        if have != all_columns(spec):
            raise RuntimeError(f"{table_name(spec)} exists with columns that differ from the "
                               "contract; migrate it before landing")
        return
    cols = ", ".join(f"{c} {_META_TYPES.get(c, 'text')}" for c in all_columns(spec))
    conn.execute(f"create table {table_name(spec)} ({cols})")
    if conn.kind == "postgres":
        conn.execute(f"create index {spec.raw_table}__batch on {table_name(spec)} (_batch_id)")


def with_meta(table: pa.Table, meta: BatchMeta) -> pa.Table:
    """The parsed rows plus the lineage columns, in raw-table column order."""
    n = table.num_rows
    extra = {
        "_batch_id": pa.repeat(meta.batch_id, n),
        "_business_date": pa.repeat(meta.business_date, n),
        "_extract_type": pa.repeat(meta.extract_type, n),
        "_file": pa.repeat(meta.file, n),
        "_row_number": pa.array(np.arange(1, n + 1, dtype=np.int64)),
        "_loaded_at": pa.repeat(pa.scalar(meta.loaded_at, pa.timestamp("us")), n),
    }
    for name, column in extra.items():
        table = table.append_column(name, column)
    return table


def insert_rows(conn: Connection, spec: EntitySpec, table: pa.Table) -> None:
    """Bulk-append `table` (as built by `with_meta`) inside the caller's transaction."""
    cols = ", ".join(all_columns(spec))
    if conn.kind == "duckdb":
        view = f"_landing_{spec.raw_table}"
        conn.raw.register(view, table)
        try:
            conn.raw.execute(f"insert into {table_name(spec)} ({cols}) select {cols} from {view}")
        finally:
            conn.raw.unregister(view)
        return
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    with conn.raw.cursor() as cur, cur.copy(
            f"copy {table_name(spec)} ({cols}) from stdin (format csv, encoding 'UTF8')") as copy:
        for batch in table.to_batches(max_chunksize=COPY_CHUNK_ROWS):
            sink = pa.BufferOutputStream()
            pacsv.write_csv(batch, sink, options)
            copy.write(memoryview(sink.getvalue()))


def delete_batch(conn: Connection, spec: EntitySpec, batch_id: str) -> None:
    conn.execute(f"delete from {table_name(spec)} where _batch_id = ?", [batch_id])
