"""Append-only record of every read of unmasked personal data."""

from __future__ import annotations

from datetime import UTC, datetime

from ecif.warehouse import Connection


def ensure_audit_table(conn: Connection) -> None:
    conn.execute("create schema if not exists audit")
    conn.execute("""create table if not exists audit.personal_data_access (
        accessed_at timestamp, role text, command text, detail text, "rows" bigint)""")


def record_personal_data_access(conn: Connection, role: str, command: str, detail: str,
                                rows: int) -> None:
    if not conn.table_exists("audit", "personal_data_access"):
        ensure_audit_table(conn)     # the service creates it at start: no DDL on its requests
    conn.execute("insert into audit.personal_data_access values (?, ?, ?, ?, ?)",
                 [datetime.now(UTC).replace(tzinfo=None), role, command, detail, rows])
