"""Where the last build of the marts stopped, so the next builds only what changed
(issue 18; dbt_project/macros/incremental_marts.sql).

`intermediate.mart_build` keeps, after each successful marts build, the rules
fingerprint it was built with (staging_state.rules_fingerprint), the newest
int_party_mention_change stamp and the newest matching run it had read. The next build
recomputes only the parties changed since; it rebuilds every mart instead when asked
(`ecif run --full`), on the first build, when the rules changed, when staging was
rebuilt from raw (its change log started again) or matching ran from scratch since:
incremental tables never mix two rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecif.warehouse import Connection

STATE = "intermediate.mart_build"
CHANGES = "intermediate.int_party_mention_change"


@dataclass(frozen=True)
class Watermark:
    changes_through: str | None    # the newest change log stamp read (text, UTC)
    runs_through: str | None       # the newest matching run read


def current(conn: Connection) -> Watermark:
    """What a build starting now reads up to."""
    changes = (conn.scalar(f"select cast(max(changed_at) as text) from {CHANGES}")
               if conn.table_exists("intermediate", "int_party_mention_change") else None)
    runs = (conn.scalar("select max(run_id) from matching.match_run")
            if conn.table_exists("matching", "match_run") else None)
    return Watermark(changes, runs)


def last_build(conn: Connection) -> tuple[str, Watermark] | None:
    """The rules fingerprint and watermark of the last successful marts build."""
    if not conn.table_exists("intermediate", "mart_build"):
        return None
    row = conn.fetchall(f"select fingerprint, changes_through, runs_through from {STATE}")
    return (row[0][0], Watermark(row[0][1], row[0][2])) if row else None


def rebuild_reason(conn: Connection, fingerprint: str, full: bool) -> str | None:
    """Why the marts must be built whole (None: only the parties changed since)."""
    last = last_build(conn)
    if full:
        return "--full"
    if last is None or last[1].changes_through is None or last[1].runs_through is None:
        return "no incremental build of the marts yet"
    built, since = last
    if built != fingerprint:
        return "the dbt models, macros or seeds changed since the last build"
    if not conn.table_exists("marts", "customer"):
        return "no marts yet"
    if not conn.scalar(f"select count(*) from {CHANGES} where changed_at <= "
                       f"cast(? as timestamp)", [since.changes_through]):
        return "staging was rebuilt from raw since the last build"
    if conn.scalar("select count(*) from matching.match_run where run_id > ? "
                   "and mode = 'FULL'", [since.runs_through]):
        return "matching ran from scratch since the last build"
    return None


def record(conn: Connection, fingerprint: str, through: Watermark) -> None:
    """After a successful build: what the next one starts from."""
    conn.execute(f"create table if not exists {STATE} "
                 "(fingerprint text, changes_through text, runs_through text)")
    with conn.transaction():
        conn.execute(f"delete from {STATE}")
        conn.execute(f"insert into {STATE} values (?, ?, ?)",
                     [fingerprint, through.changes_through, through.runs_through])
