"""Row-level op anomalies (spec §3) that are logged but do not refuse the file.

Computed with set operations in SQL against the raw table, after the batch's
rows are inserted and inside the same transaction:

- `DUPLICATE_KEY`: the key appears again later in the same file; the later row
  wins, the earlier row is logged (anomaly names the winning row).
- `UPDATE_UNKNOWN_KEY`: a `U` for a key not currently known (applied as insert
  downstream).
- `DELETE_UNKNOWN_KEY`: a `D` for a key not currently known (ignored downstream).

"Currently known" at a row: the key's previous row in the same file if there is
one (known unless it was a `D`); otherwise the key's last row in earlier
business dates since the latest FULL batch before this one (known unless `D`).
Only the keys of this batch are looked up in history.
"""

from __future__ import annotations

from ecif.extract_spec import EntitySpec
from ecif.landing.bookkeeping import OP_LOG
from ecif.landing.raw_tables import table_name
from ecif.warehouse import Connection


def record_anomalies(conn: Connection, spec: EntitySpec, batch_id: str,
                     business_date: str) -> int:
    """Insert this batch's anomalies into the op log; returns how many."""
    table, key = table_name(spec), spec.key
    sql = f"""
insert into {OP_LOG} (batch_id, row_number, key_value, anomaly)
with batch as (
    select {key} as key_value, op, _row_number,
           lag(op) over (partition by {key} order by _row_number) as prev_op,
           lead(_row_number) over (partition by {key} order by _row_number) as next_row
    from {table} where _batch_id = ?
),
last_full as (
    select max(_business_date) as d from {table}
    where _extract_type = 'FULL' and _business_date < ?
),
prior as (
    select {key} as key_value, op,
           row_number() over (partition by {key}
                              order by _business_date desc, _row_number desc) as rn
    from {table}
    where _business_date < ?
      and _business_date >= coalesce((select d from last_full), '')
      and {key} in (select key_value from batch)
),
known as (select key_value from prior where rn = 1 and op <> 'D')
select ?, _row_number, key_value,
       'DUPLICATE_KEY: superseded by row ' || cast(next_row as varchar)
from batch where next_row is not null
union all
select ?, b._row_number, b.key_value,
       case b.op when 'U' then 'UPDATE_UNKNOWN_KEY: applied as insert'
                 else 'DELETE_UNKNOWN_KEY: ignored' end
from batch b
where b.op in ('U', 'D')
  and ((b.prev_op is null
        and not exists (select 1 from known k where k.key_value = b.key_value))
       or b.prev_op = 'D')
"""
    conn.execute(sql, [batch_id, business_date, business_date, batch_id, batch_id])
    return int(conn.scalar(f"select count(*) from {OP_LOG} where batch_id = ?", [batch_id]))
