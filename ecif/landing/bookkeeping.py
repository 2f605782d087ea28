"""The loader's own tables in schema `raw`.

- `raw.landing_batch`: one row per applied batch (batch_id, system, entity,
  business_date, extract_type, file, rows, bytes, md5, status `LOADED` or
  `QUARANTINED` (held out of staging, ecif.quarantine), loaded_at, seconds); a re-run
  or a re-delivery of a quarantined batch replaces the row.
- `raw.landing_rejection`: one row per refused file version (file, system,
  entity, business_date, reason, row_number, field, md5, rejected_at); the same
  file refused again for the same reason with the same md5 is not repeated.
- `raw.landing_op_log`: row-level op anomalies the contract logs but accepts
  (batch_id, row_number, key_value, anomaly); see `op_log.py`.
- `raw.landing_released`: quarantined batches a steward's request released (batch_id,
  loaded_at, request_id): accepted as they are while that version stays loaded.
- `raw.landing_erased`: rows of a file that were an erased person's, dropped or
  emptied before the insert (batch_id, system, entity, row_number, field: the
  mention role or the emptied column); no key, no value. See `erasures.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ecif.warehouse import Connection

BATCH = "raw.landing_batch"
REJECTION = "raw.landing_rejection"
OP_LOG = "raw.landing_op_log"
ERASED = "raw.landing_erased"
RELEASED = "raw.landing_released"
QUARANTINED = "QUARANTINED"

_DDL = {
    "landing_batch": "batch_id text, system text, entity text, business_date text, "
                     "extract_type text, file text, rows bigint, bytes bigint, md5 text, "
                     "status text, loaded_at timestamp, seconds double precision",
    "landing_rejection": "file text, system text, entity text, business_date text, "
                         "reason text, row_number bigint, field text, md5 text, "
                         "rejected_at timestamp",
    "landing_op_log": "batch_id text, row_number bigint, key_value text, anomaly text",
    "landing_erased": "batch_id text, system text, entity text, row_number bigint, field text",
    "landing_released": "batch_id text, loaded_at timestamp, request_id bigint",
}


@dataclass(frozen=True)
class AppliedBatch:
    batch_id: str
    system: str
    entity: str
    business_date: str
    md5: str
    status: str = "LOADED"


def ensure_bookkeeping(conn: Connection) -> None:
    conn.execute("create schema if not exists raw")
    for table, cols in _DDL.items():
        if not conn.table_exists("raw", table):
            conn.execute(f"create table raw.{table} ({cols})")


def applied_batches(conn: Connection) -> dict[str, AppliedBatch]:
    """The batches landed, quarantined ones too: the same file again is skipped."""
    rows = conn.fetchall(f"select batch_id, system, entity, business_date, md5, status "
                         f"from {BATCH} where status in ('LOADED', '{QUARANTINED}')")
    return {r[0]: AppliedBatch(*r) for r in rows}


def lift_quarantine(conn: Connection, system: str, business_date: str) -> list[str]:
    """The system's batches of that date held in quarantine become LOADED (pending for the
    next staging build); their ids."""
    held = [b for (b,) in conn.fetchall(
        f"select batch_id from {BATCH} where system = ? and business_date = ? and status = ? "
        "order by batch_id", [system, business_date, QUARANTINED])]
    conn.execute(f"update {BATCH} set status = 'LOADED' where system = ? "
                 "and business_date = ? and status = ?", [system, business_date, QUARANTINED])
    return held


def record_release(conn: Connection, batch_ids: list[str], request_id: int) -> None:
    """These lifted batches were released by a request: the gate accepts them."""
    ensure_bookkeeping(conn)
    for batch_id in batch_ids:
        conn.execute(f"insert into {RELEASED} select batch_id, loaded_at, ? from {BATCH} "
                     "where batch_id = ?", [request_id, batch_id])


def record_batch(conn: Connection, *, batch_id: str, system: str, entity: str,
                 business_date: str, extract_type: str, file: str, rows: int, size: int,
                 md5: str, loaded_at: datetime, seconds: float) -> None:
    conn.execute(f"delete from {BATCH} where batch_id = ?", [batch_id])
    conn.execute(
        f"insert into {BATCH} (batch_id, system, entity, business_date, extract_type, file, "
        "rows, bytes, md5, status, loaded_at, seconds) values (?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "'LOADED', ?, ?)",
        [batch_id, system, entity, business_date, extract_type, file, rows, size, md5,
         loaded_at, seconds])


def delete_batch_notes(conn: Connection, batch_id: str) -> None:
    """The op log and erased rows of a batch about to be replaced."""
    conn.execute(f"delete from {OP_LOG} where batch_id = ?", [batch_id])
    conn.execute(f"delete from {ERASED} where batch_id = ?", [batch_id])


def record_erased(conn: Connection, *, batch_id: str, system: str, entity: str,
                  screened: list[tuple[int, str]]) -> None:
    """(row number, field) of the rows erasures.screen dropped or emptied."""
    for row, field in screened:
        conn.execute(f"insert into {ERASED} values (?, ?, ?, ?, ?)",
                     [batch_id, system, entity, row, field])


def record_rejection(conn: Connection, *, file: str, system: str, entity: str,
                     business_date: str, reason: str, row: int | None, field: str | None,
                     md5: str | None, rejected_at: datetime) -> None:
    seen = conn.scalar(
        f"select count(*) from {REJECTION} where file = ? and reason = ? "
        "and coalesce(md5, '') = ?", [file, reason, md5 or ""])
    if seen:
        return
    conn.execute(
        f"insert into {REJECTION} (file, system, entity, business_date, reason, row_number, "
        "field, md5, rejected_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [file, system, entity, business_date, reason, row, field, md5, rejected_at])
