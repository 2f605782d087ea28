"""The stewardship audit trail: every request, approval, refusal and effect, append-only,
with personal values masked before they are written."""

from __future__ import annotations

from datetime import UTC, datetime

from ecif.warehouse import Connection


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def log(conn: Connection, actor: str, action: str, *, request_id: int | None = None,
        party_id: str | None = None, detail: str = "", subject_user: str | None = None) -> None:
    conn.execute("insert into stewardship.audit_log (logged_at, actor, action, request_id, "
                 "party_id, detail, subject_user) values (?, ?, ?, ?, ?, ?, ?)",
                 [now(), actor, action, request_id, party_id, detail, subject_user])
