"""The change-event outbox `events.customer_change` (outputs.md §3) and its sequence.

`seq` is handed out by one counter row (`events.outbox_counter`) updated inside the
transaction that writes the events: a second writer waits for (PostgreSQL) or fails
on (DuckDB) that row until the first commits, so events become visible in `seq`
order, and a rolled-back writer gives its numbers back. A reader that has seen
`seq` N therefore never meets a smaller number later: `after=N` skips nothing.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ecif.stewardship.audit import now
from ecif.warehouse import Connection, write_frame

# Writers in one process (identify's threads) take turns on the counter row through its
# commit: on DuckDB two open transactions updating it cannot both commit, so without
# this, concurrent creations of new parties would fail instead of waiting
WRITING = threading.Lock()
TABLE = "events.customer_change"
TYPES = ("CREATED", "UPDATED", "MERGED", "SPLIT", "DEACTIVATED", "REACTIVATED", "ERASED",
         "XREF_ADDED", "XREF_REMOVED")
BULK = 100                  # events from which a frame is written in bulk
COLUMNS = ("seq", "event_id", "event_type", "party_id", "occurred_at", "business_date",
           "run_id", "changed_fields", "payload")


@dataclass
class Change:
    """One event before it has its number: `payload` holds `customer` (the new golden
    values, personal data masked at read time) and what the type adds (`absorbed`,
    `created`, `xref`)."""
    event_type: str
    party_id: str
    changed_fields: list[str] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)


def ensure_tables(conn: Connection) -> None:
    conn.execute("create schema if not exists events")
    conn.execute(f"create table if not exists {TABLE} (seq bigint primary key, "
                 "event_id text not null, event_type text not null, party_id text not null, "
                 "occurred_at timestamp not null, business_date text, run_id text, "
                 "changed_fields text, payload text)")
    conn.execute("create table if not exists events.outbox_counter (next_seq bigint)")
    if conn.scalar("select count(*) from events.outbox_counter") == 0:
        conn.execute("insert into events.outbox_counter values (1)")


def _json(value: Any) -> str:
    def default(v: Any) -> str:
        if isinstance(v, date | datetime):
            return v.isoformat()
        return str(v)
    return json.dumps(value, ensure_ascii=False, default=default, sort_keys=True)


def append(conn: Connection, changes: Sequence[Change], run_id: str,
           business_date: str | None) -> int:
    """Write the changes in order, in the caller's transaction; how many. Callers that
    may run in several threads hold WRITING around that transaction."""
    if not changes:
        return 0
    end = int(conn.scalar("update events.outbox_counter set next_seq = next_seq + ? "
                          "returning next_seq", [len(changes)]))
    stamp = now()
    rows = [(end - len(changes) + i, str(uuid.uuid4()), c.event_type, c.party_id, stamp,
             business_date, run_id, _json(c.changed_fields), _json(c.payload))
            for i, c in enumerate(changes)]
    if len(rows) >= BULK:
        # a night's thousands of events: DuckDB's executemany runs row by row
        import pandas as pd

        write_frame(conn, *TABLE.split("."), pd.DataFrame(rows, columns=list(COLUMNS)),
                    replace=False)
        return len(rows)
    insert = f"insert into {TABLE} values ({', '.join('?' for _ in COLUMNS)})"
    if conn.kind == "postgres":
        with conn.raw.cursor() as cur:
            cur.executemany(insert.replace("?", "%s"), rows)
    else:
        conn.raw.executemany(insert, rows)
    return len(rows)


def scrub(conn: Connection, party_id: str) -> None:
    """An erased person's values leave every earlier event about the party: only the
    id, the type and the time stay."""
    conn.execute(f"update {TABLE} set payload = ?, changed_fields = '[]' "
                 "where party_id = ?", [_json({"erased": True}), party_id])


def read(conn: Connection, after: int, limit: int, types: Sequence[str] = (),
         parties: str | None = None, party_params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Events after `after` in seq order; `parties`: a query of the party ids the reader
    may see (scoped roles), with its parameters."""
    where, params = ["seq > ?"], [after]
    if types:
        where.append(f"event_type in ({', '.join('?' for _ in types)})")
        params += list(types)
    if parties:
        where.append(f"party_id in ({parties})")
        params += list(party_params)
    rows = conn.fetchall(f"select {', '.join(COLUMNS)} from {TABLE} "
                         f"where {' and '.join(where)} order by seq limit ?", [*params, limit])
    events = []
    for row in rows:
        event = dict(zip(COLUMNS, row, strict=True))
        event["changed_fields"] = json.loads(event["changed_fields"] or "[]")
        event["payload"] = json.loads(event["payload"] or "{}")
        events.append(event)
    return events
