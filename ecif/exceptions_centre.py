"""`ops.exception`: the one exception centre (README, Operations).

Every kind of trouble lands here as one row per (kind, system, key): a landing refusal,
a delivery waiting past its deadline, a failed quality check, a failed run step or
Airflow task, a dead-lettered event delivery, a service error. A repeat bumps the
row's count and last_seen instead of adding a row; an occurrence already counted
(the same refused file version, the same quality run) is not counted twice, so the
collector may read its sources after every step. A RESOLVED exception that recurs
opens again.

Status: OPEN → ACKNOWLEDGED (someone is on it) → RESOLVED; every change, with who made
it and their note, is a row of `ops.exception_history`, and stewards' acts go to the
stewardship audit trail too. The sample is masked before it is written (an ID number
or a mobile in an error message never reaches the table).

Alerts (ecif.alerts) go out when a CRITICAL exception becomes OPEN: when it first
appears and when it reopens, never on a repeat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ecif.ops_log import masked
from ecif.warehouse import Connection

TABLE = "ops.exception"
HISTORY = "ops.exception_history"
OCCURRENCE = "ops.exception_occurrence"
STATUSES = ("OPEN", "ACKNOWLEDGED", "RESOLVED")
SEVERITIES = ("CRITICAL", "WARNING")
KINDS = ("LANDING_REFUSED", "DELIVERY_OVERDUE", "QUALITY_FAILED", "STEP_FAILED",
         "RUN_LATE", "EVENT_DELIVERY_FAILED", "SERVICE_ERROR")
# who may acknowledge and resolve (the API, the pages and the CLI alike); who may read
HANDLERS = ("admin", "steward")
READERS = ("admin", "steward", "approver")
AUDIT_ACTIONS = {"ACKNOWLEDGED": "EXCEPTION_ACK", "RESOLVED": "EXCEPTION_RESOLVE"}
SAMPLE_CHARS = 500
COLUMNS = ("exception_id", "kind", "severity", "system", "key", "first_seen", "last_seen",
           "count", "sample", "status", "assignee", "notes")


class ExceptionCentreError(ValueError):
    """A change the exception's status does not allow, or bad input: one line."""


class NoSuchException(ExceptionCentreError):
    """No exception has this id."""


@dataclass(frozen=True)
class ExceptionRecord:
    exception_id: int
    kind: str
    severity: str
    system: str
    key: str
    first_seen: datetime
    last_seen: datetime
    count: int
    sample: str | None
    status: str
    assignee: str | None
    notes: str | None

    def line(self) -> str:
        """One line for the command line."""
        return (f"{self.exception_id}  {self.status:<12} {self.severity:<8} {self.kind}  "
                f"{self.system}  {self.key}  x{self.count}  last {self.last_seen:%Y-%m-%d %H:%M}"
                + (f"  ({self.assignee})" if self.assignee else ""))

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in COLUMNS}


@dataclass(frozen=True)
class Change:
    at: datetime
    actor: str
    action: str
    status: str
    note: str | None


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def ensure_tables(conn: Connection) -> None:
    """Only when missing: the service reads and writes here without running DDL."""
    if conn.table_exists("ops", "exception_occurrence"):
        return
    conn.execute("create schema if not exists ops")
    conn.execute("create sequence if not exists ops.exception_id_seq")
    conn.execute(f"create table if not exists {TABLE} (exception_id bigint primary key, "
                 "kind text not null, severity text not null, system text not null, "
                 "key text not null, first_seen timestamp not null, "
                 "last_seen timestamp not null, count bigint not null, sample text, "
                 "status text not null, assignee text, notes text)")
    conn.execute(f"create table if not exists {HISTORY} (exception_id bigint, "
                 "changed_at timestamp, actor text, action text, status text, note text)")
    conn.execute(f"create table if not exists {OCCURRENCE} (exception_id bigint, "
                 "occurrence text)")


def open_or_bump(conn: Connection, kind: str, severity: str, system: str, key: str,
                 sample: str | None, occurrence: str | None = None,
                 actor: str = "ecif") -> ExceptionRecord | None:
    """Record one occurrence of (kind, system, key). `occurrence` names it (a file
    version, a run) so that reading the same source again counts it once; None counts
    every call. Returns the exception when this call made it OPEN (new or reopened:
    the moment to alert), else None."""
    if kind not in KINDS or severity not in SEVERITIES:
        raise ExceptionCentreError(f"exception kind {kind!r}/severity {severity!r}: "
                                   f"one of {', '.join(KINDS)} / {', '.join(SEVERITIES)}")
    ensure_tables(conn)
    shown = masked(" ".join((sample or "").split()))[:SAMPLE_CHARS] or None
    at = now()
    with conn.transaction():
        row = conn.fetchone(f"select exception_id, status from {TABLE} "
                            "where kind = ? and system = ? and key = ?", [kind, system, key])
        if row is not None and occurrence is not None and conn.scalar(
                f"select count(*) from {OCCURRENCE} where exception_id = ? and occurrence = ?",
                [row[0], occurrence]):
            return None
        if row is None:
            exception_id = int(conn.scalar("select nextval('ops.exception_id_seq')"))
            conn.execute(f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?, 1, ?, 'OPEN', "
                         "null, null)", [exception_id, kind, severity, system, key, at, at,
                                         shown])
            action, opened = "OPENED", True
        else:
            exception_id, opened = row[0], row[1] == "RESOLVED"
            conn.execute(f"update {TABLE} set count = count + 1, last_seen = ?, "
                         "sample = coalesce(?, sample), severity = ?, status = ? "
                         "where exception_id = ?",
                         [at, shown, severity, "OPEN" if opened else row[1], exception_id])
            action = "REOPENED" if opened else None
        if occurrence is not None:
            conn.execute(f"insert into {OCCURRENCE} values (?, ?)", [exception_id, occurrence])
        if action:
            _history(conn, exception_id, actor, action, "OPEN", shown)
    return get(conn, exception_id) if opened else None


def _history(conn: Connection, exception_id: int, actor: str, action: str, status: str,
             note: str | None) -> None:
    conn.execute(f"insert into {HISTORY} values (?, ?, ?, ?, ?, ?)",
                 [exception_id, now(), actor, action, status, note])


def _of(row: tuple) -> ExceptionRecord:
    return ExceptionRecord(*row)


def listing(conn: Connection, status: str | None = None, severity: str | None = None,
            kind: str | None = None) -> list[ExceptionRecord]:
    """Newest first; RESOLVED ones only when asked for by status."""
    ensure_tables(conn)
    where, params = [], []
    for column, value in (("status", status), ("severity", severity), ("kind", kind)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if status is None:
        where.append("status <> 'RESOLVED'")
    rows = conn.fetchall(f"select {', '.join(COLUMNS)} from {TABLE} where "
                         f"{' and '.join(where)} order by last_seen desc, exception_id desc",
                         params)
    return [_of(r) for r in rows]


def get(conn: Connection, exception_id: int) -> ExceptionRecord:
    ensure_tables(conn)
    row = conn.fetchone(f"select {', '.join(COLUMNS)} from {TABLE} where exception_id = ?",
                        [exception_id])
    if row is None:
        raise NoSuchException(f"no exception {exception_id}")
    return _of(row)


def history(conn: Connection, exception_id: int) -> list[Change]:
    get(conn, exception_id)
    return [Change(*r) for r in conn.fetchall(
        f"select changed_at, actor, action, status, note from {HISTORY} "
        "where exception_id = ? order by changed_at, action", [exception_id])]


def acknowledge(conn: Connection, exception_id: int, actor: str, note: str | None = None,
                assignee: str | None = None) -> ExceptionRecord:
    """Someone is on it: OPEN → ACKNOWLEDGED, assigned to `assignee` (default: the actor)."""
    return _change(conn, exception_id, actor, "ACKNOWLEDGED", ("OPEN",), note,
                   assignee or actor)


def resolve(conn: Connection, exception_id: int, actor: str, note: str | None = None,
            assignee: str | None = None) -> ExceptionRecord:
    """Dealt with: OPEN or ACKNOWLEDGED → RESOLVED. It opens again if it recurs."""
    return _change(conn, exception_id, actor, "RESOLVED", ("OPEN", "ACKNOWLEDGED"), note,
                   assignee)


# what the command line, the API and the pages call an act by
ACTS = {"ack": acknowledge, "resolve": resolve}


def resolve_all(conn: Connection, exception_ids: list[int], actor: str,
                note: str) -> list[int]:
    """Those of the exceptions still OPEN or ACKNOWLEDGED become RESOLVED, with history
    and audit, in the caller's transaction: what dealt with them (a quarantine lifted)
    commits with it or not at all. Their ids."""
    resolved = []
    _ensure_audit(conn)
    for exception_id in exception_ids:
        current = get(conn, exception_id)
        if current.status != "RESOLVED":
            _record(conn, current, actor, "RESOLVED", note, None)
            resolved.append(exception_id)
    return resolved


def _change(conn: Connection, exception_id: int, actor: str, status: str,
            allowed_from: tuple[str, ...], note: str | None,
            assignee: str | None) -> ExceptionRecord:
    current = get(conn, exception_id)
    if current.status not in allowed_from:
        raise ExceptionCentreError(f"exception {exception_id} is {current.status}: "
                                   f"it cannot become {status}")
    _ensure_audit(conn)
    with conn.transaction():
        _record(conn, current, actor, status, note, assignee)
    return get(conn, exception_id)


def _ensure_audit(conn: Connection) -> None:
    """Acts on exceptions are audited: the trail exists before any steward acted."""
    from ecif.stewardship_schema import ensure_tables

    if not conn.table_exists("stewardship", "audit_log"):
        ensure_tables(conn)


def _record(conn: Connection, current: ExceptionRecord, actor: str, status: str,
            note: str | None, assignee: str | None) -> None:
    from ecif.stewardship.audit import log

    note = " ".join(note.split()) if note else None
    notes = "\n".join(n for n in (current.notes, note and f"{actor}: {note}") if n) or None
    exception_id = current.exception_id
    conn.execute(f"update {TABLE} set status = ?, assignee = coalesce(?, assignee), "
                 "notes = ? where exception_id = ?", [status, assignee, notes, exception_id])
    _history(conn, exception_id, actor, status, status, note)
    log(conn, actor, AUDIT_ACTIONS[status], detail=f"exception {exception_id} "
        f"({current.kind} {current.system} {current.key})" + (f": {note}" if note else ""))
