"""`ops.published_night`: one row per night whose marts were published (run id, business
date of the marts, when, events written). The service's /ready and /metrics read the
last one: it is the night the customers now see."""

from __future__ import annotations

from datetime import UTC, datetime

from ecif.warehouse import Connection

TABLE = "ops.published_night"


def record_publication(conn: Connection, run_id: str | None, business_date: str | None,
                       events: int) -> None:
    conn.execute("create schema if not exists ops")
    conn.execute(f"create table if not exists {TABLE} (run_id text, business_date text, "
                 "finished_at timestamp, events bigint)")
    conn.execute(f"insert into {TABLE} values (?, ?, ?, ?)",
                 [run_id, business_date, datetime.now(UTC).replace(tzinfo=None), events])


def last_publication(conn: Connection) -> tuple[str | None, datetime | None]:
    """The business date and time (naive UTC) of the last published night."""
    if not conn.table_exists("ops", "published_night"):
        return None, None
    row = conn.fetchone(f"select business_date, finished_at from {TABLE} "
                        "order by finished_at desc limit 1")
    return (row[0], row[1]) if row else (None, None)
