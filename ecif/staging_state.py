"""What the next staging build has to do (issue 18).

- The batches landed since the last successful build: dbt's own bookkeeping,
  `staging.processed_batch` (dbt_project/macros/incremental_state.sql).
- The rules the tables were built with: a fingerprint of the dbt project's models,
  macros and seeds, kept in `staging.build_rules` after each successful build. Tables
  kept incrementally must never mix rules: when the fingerprint changed, the next
  build is from scratch.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ecif.dbt_runner import DBT_PROJECT_DIR
from ecif.warehouse import Connection

PROCESSED = "staging.processed_batch"
RULES = "staging.build_rules"
# what decides the content of a staging or intermediate table
RULE_FILES = ("dbt_project.yml", "models", "macros", "reference_seeds")


def pending_batches(conn: Connection) -> dict[tuple[str, str], list[str]]:
    """(system, entity) → batch ids landed (or landed again) since the last staging build."""
    done = (f"and not exists (select 1 from {PROCESSED} as done where done.batch_id = "
            "landed.batch_id and done.loaded_at = landed.loaded_at)"
            if conn.table_exists("staging", "processed_batch") else "")
    pending: dict[tuple[str, str], list[str]] = {}
    for system, entity, batch_id in conn.fetchall(
            "select system, entity, batch_id from raw.landing_batch as landed "
            f"where status = 'LOADED' {done} order by system, entity, batch_id"):
        pending.setdefault((system, entity), []).append(batch_id)
    return pending


def withdrawn_batches(conn: Connection) -> list[str]:
    """Batches the staging tables reflect that are no longer LOADED (quarantined since):
    their entities are rebuilt without them (macro batches_need_rebuild)."""
    if not conn.table_exists("staging", "processed_batch"):
        return []
    return [batch_id for (batch_id,) in conn.fetchall(
        f"select batch_id from {PROCESSED} as done where not exists (select 1 from "
        "raw.landing_batch as landed where landed.batch_id = done.batch_id "
        "and landed.status = 'LOADED') order by batch_id")]


def rules_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    digest = hashlib.sha256()
    for name in RULE_FILES:
        root = project_dir / name
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def built_rules(conn: Connection) -> str | None:
    """The fingerprint of the last successful staging build (None: none recorded)."""
    if not conn.table_exists("staging", "build_rules"):
        return None
    return conn.scalar(f"select fingerprint from {RULES}")


def record_rules(conn: Connection, fingerprint: str) -> None:
    conn.execute("create schema if not exists staging")
    conn.execute(f"create table if not exists {RULES} (fingerprint text)")
    with conn.transaction():
        conn.execute(f"delete from {RULES}")
        conn.execute(f"insert into {RULES} values (?)", [fingerprint])


def staging_is_current(conn: Connection) -> bool:
    """Nothing for a staging build to do: built before, no batch pending, and every
    manual customer (stewards add them outside batches) already a mention."""
    if (not conn.table_exists("intermediate", "int_party_mention") or pending_batches(conn)
            or withdrawn_batches(conn)):
        return False
    manual = conn.scalar("select count(*) from stewardship.manual_customer")
    mentioned = conn.scalar("select count(*) from intermediate.int_party_mention "
                            "where source_system = 'steward'")
    return manual == mentioned


def staged_mentions(conn: Connection, mention_ids: list[str]) -> set[str]:
    """Those of the mentions staging's last build still holds. Steward decisions are
    checked against them, not against the published mentions: matching, which applies
    the decisions, reads the staged ones."""
    return {r[0] for r in conn.fetchall(
        "select mention_id from intermediate.int_party_mention where mention_id in ("
        + ", ".join("?" for _ in mention_ids) + ")", mention_ids)}


def staged_business_date(conn: Connection) -> str | None:
    """The latest business date staging's last build holds: the date a steward's change
    takes effect from, the date of the data the next build applies it to."""
    return conn.scalar("select max(_business_date) from intermediate.int_party_mention")


def forget_processed(conn: Connection, entities: set[tuple[str, str]]) -> None:
    """Make the next staging build rebuild these entities from raw: their raw rows were
    changed in place (an erasure), which no pending batch would show."""
    if conn.table_exists("staging", "processed_batch"):
        for system, entity in sorted(entities):
            conn.execute(f"delete from {PROCESSED} where system = ? and entity = ?",
                         [system, entity])
