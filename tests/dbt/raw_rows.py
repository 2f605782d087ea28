"""Put hand-written rows straight into raw tables, through the loader's own bulk path,
to test dbt models on exact inputs without writing files."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from ecif.extract_spec import BY_NAME
from ecif.landing.bookkeeping import record_batch
from ecif.landing.raw_tables import BatchMeta, insert_rows, with_meta
from ecif.pipeline import ensure_tables
from ecif.warehouse import Warehouse


def load_raw(warehouse: Warehouse, batches: list[tuple[str, str, str, list[dict]]]) -> None:
    """batches: (system.entity, business_date, FULL|DELTA, rows); missing columns are null."""
    with warehouse.connect() as conn:
        ensure_tables(conn)
        for name, date, extract_type, rows in batches:
            spec = BY_NAME[tuple(name.split("."))]
            table = pa.table({c: pa.array([r.get(c) for r in rows], pa.string())
                              for c in spec.columns})
            meta = BatchMeta(f"{spec.raw_table}__{date}", date, extract_type,
                             f"{spec.system}/{date}/{spec.file_name}", datetime(2026, 11, 2))
            insert_rows(conn, spec, with_meta(table, meta))
            # as the loader does: staging reads only the batches landing_batch lists
            record_batch(conn, batch_id=meta.batch_id, system=spec.system,
                         entity=spec.entity, business_date=date, extract_type=extract_type,
                         file=meta.file, rows=len(rows), size=0, md5="", loaded_at=meta.loaded_at,
                         seconds=0.0)
