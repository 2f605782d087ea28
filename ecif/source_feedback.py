"""Feedback to the source systems (质量反馈闭环): after each night, one file per source
system of its rows that failed validation, for the system's owners to correct at the
source.

`<out>/<business date>/<system>.csv` (UTF-8 with a BOM, so Excel opens it) holds every
value of that date's batches that quality.dq_exception found unusable (severity
WARNING: a code not in the code map, an unparsable date or amount, an invalid ID or
mobile…) and every row of a file that landing refused (raw.landing_rejection), each
with its entity, key, row number, field, reason and the value masked (ID numbers and
mobiles show only their ends; a name is never shown). A system with nothing to report
gets a file with the header only: the owners see that the night was checked. Rows that
were superseded or deleted (INFO) are the contract working, not a fault, and are left
out.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ecif.extract_spec import SYSTEMS
from ecif.ops_log import masked
from ecif.warehouse import Connection

COLUMNS = ("business_date", "entity", "source_key", "row_number", "field", "reason",
           "value_masked")
FAULTS = """
    select batch.business_date, dq.source_entity, dq.source_key, dq._row_number, dq.field,
        dq.rule, dq.value_masked
    from quality.dq_exception as dq
    join raw.landing_batch as batch on batch.batch_id = dq._batch_id
    where dq.severity = 'WARNING' and dq.source_system = ? and batch.business_date = ?
    union all
    select business_date, entity, null, row_number, field, reason, null
    from raw.landing_rejection where system = ? and business_date = ?
    order by 2, 4, 5"""


def write_feedback(conn: Connection, out_dir: Path, business_date: str) -> dict[str, int]:
    """The files of `business_date` under `out_dir`; rows written per system."""
    folder = out_dir / business_date
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for system in SYSTEMS:
        rows = conn.fetchall(FAULTS, [system, business_date, system, business_date])
        # a refusal's reason quotes what it refused: the standard masks apply to it too
        rows = [(*row[:5], masked(row[5]), row[6]) for row in rows]
        with (folder / f"{system}.csv").open("w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(COLUMNS)
            out.writerows(rows)
        written[system] = len(rows)
    return written
