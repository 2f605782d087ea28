"""What matching keeps between runs so a night redoes only what changed (matching.*).

- `mention_state`: per mention its fingerprint (a hash of its shaped columns), its
  component (the smallest mention_id of its connected component in the clustering
  graph) and the party matching gave it,
- `match_edge`: the scored pairs at or above the suspect weight, whether corroborated,
  and whether the pair is a suspect (persons),
- `contract_link_state`, `constraint_state`: the contract links and the standing
  steward decisions the last run clustered with,
- `mobile_name_count`: names per mobile (keyed by its hash), which scales a mobile's
  term frequency,
- `match_run.settings_hash`: a hash of the models and thresholds the state was built
  with; another hash means a run from scratch.

A night loads them into the run's local DuckDB (tables `state_<name>`), and writes back
only the rows of the mentions it touched.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from ecif.warehouse import Connection, write_frame
from matching.mentions import fetch_arrow
from matching.thresholds import THRESHOLDS_FILE

log = logging.getLogger(__name__)

# table → its columns and their types in the local DuckDB
TABLES: dict[str, dict[str, str]] = {
    "mention_state": {"mention_id": "varchar", "party_type": "varchar",
                      "fingerprint": "varchar", "component": "varchar", "party_id": "varchar"},
    "match_edge": {"party_type": "varchar", "mention_id_l": "varchar",
                   "mention_id_r": "varchar", "match_weight": "double",
                   "match_probability": "double", "corroborated": "boolean",
                   "suspect": "boolean"},
    "contract_link_state": {"mention_id_a": "varchar", "mention_id_b": "varchar"},
    "constraint_state": {"mention_id_a": "varchar", "mention_id_b": "varchar",
                         "kind": "varchar"},
    "mobile_name_count": {"mobile_key": "varchar", "names": "bigint"},
}
# match_run columns added after its first release: older warehouses get them on the way
RUN_COLUMNS = {"mode": "text", "settings_hash": "text", "rescored": "bigint",
               "reclustered": "bigint", "finished_at": "timestamp", "review_tasks": "bigint",
               "queue_precision": "double precision"}


def settings_hash(models: dict[str, Path], thresholds: Path = THRESHOLDS_FILE) -> str:
    digest = hashlib.sha256()
    for path in [*(models[k] for k in sorted(models)), thresholds]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def from_scratch_reason(conn: Connection, current_hash: str) -> str | None:
    """Why this run cannot build on the stored state, or None when it can."""
    if not all(conn.table_exists("matching", t) for t in (*TABLES, "match_run")):
        return "no stored matching state"
    if "settings_hash" not in conn.columns("matching", "match_run"):
        return "stored state predates its settings hash"
    last = conn.scalar("select settings_hash from matching.match_run "
                       "order by run_id desc limit 1")
    if last != current_hash:
        return "the models or thresholds changed"
    return None


def ensure_run_columns(conn: Connection) -> None:
    if conn.table_exists("matching", "match_run"):
        for column, kind in RUN_COLUMNS.items():
            conn.execute(f"alter table matching.match_run add column if not exists "
                         f"{column} {kind}")


def load(conn: Connection, local: duckdb.DuckDBPyConnection, empty: bool) -> None:
    """Tables state_<name> in `local`: the stored state, or empty ones (a run from scratch)."""
    for name, columns in TABLES.items():
        typed = ", ".join(f"cast({c} as {t}) as {c}" for c, t in columns.items())
        if empty:
            local.execute(f"create or replace table state_{name} as "
                          f"select {typed} from (select {', '.join(columns)} from "
                          f"(select {', '.join(f'null as {c}' for c in columns)}) where false)")
            continue
        local.register("stored", fetch_arrow(conn, f"select {', '.join(columns)} "
                                                   f"from matching.{name}", tuple(columns)))
        try:
            local.execute(f"create or replace table state_{name} as select {typed} from stored")
        finally:
            local.unregister("stored")


def _frame(local: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return local.sql(sql).to_arrow_table().to_pandas()


def write(conn: Connection, local: duckdb.DuckDBPyConnection, touched: str | None) -> None:
    """Write the state tables from `local` (tables new_<name>, same columns).

    touched: None writes them whole; else a local table of mention_id whose rows are
    replaced (the rest stay as stored). Call inside conn.transaction().
    """
    if touched is None:
        for name in TABLES:
            write_frame(conn, "matching", name, _frame(local, f"select * from new_{name}"))
        return
    keyed = {"mention_state": ("mention_id",), "match_edge": ("mention_id_l", "mention_id_r")}
    for name, keys in keyed.items():
        rows = f"select * from new_{name} where " + " or ".join(
            f"{k} in (select mention_id from {touched})" for k in keys)
        replace_rows(conn, name, _frame(local, f"select mention_id from {touched}"),
                     keys, _frame(local, rows))
    for name, columns in (("contract_link_state", ("mention_id_a", "mention_id_b")),
                          ("constraint_state", ("mention_id_a", "mention_id_b", "kind")),
                          ("mobile_name_count", ("mobile_key", "names"))):
        cols = ", ".join(columns)
        gone = _frame(local, f"select {cols} from state_{name} except select {cols} "
                             f"from new_{name}")
        added = _frame(local, f"select {cols} from new_{name} except select {cols} "
                              f"from state_{name}")
        delete_matching(conn, name, gone, columns)
        if not added.empty:
            write_frame(conn, "matching", name, added, replace=False)


def replace_rows(conn: Connection, table: str, mention_ids: pd.DataFrame,
                 keys: Iterable[str], rows: pd.DataFrame) -> None:
    """Delete matching.<table>'s rows whose any key column is one of mention_ids,
    then append rows."""
    write_frame(conn, "matching", "_touched", mention_ids)
    # One delete per key: with "k1 in (…) or k2 in (…)" PostgreSQL checks the
    # subqueries row by row once the touched ids outgrow work_mem (a 1M DELTA
    # night's delete ran for more than 17 minutes); each single IN is a hash join.
    for k in keys:
        conn.execute(f"delete from matching.{table} where "
                     f"{k} in (select mention_id from matching._touched)")
    conn.execute("drop table matching._touched")
    if not rows.empty:
        write_frame(conn, "matching", table, rows, replace=False)


def delete_matching(conn: Connection, table: str, rows: pd.DataFrame,
                    columns: Iterable[str]) -> None:
    """Delete matching.<table>'s rows equal to one of rows (on columns)."""
    if rows.empty:
        return
    write_frame(conn, "matching", "_gone", rows)
    conn.execute(f"delete from matching.{table} as t where exists (select 1 from "
                 "matching._gone as g where " + " and ".join(
                     f"g.{c} = t.{c}" for c in columns) + ")")
    conn.execute("drop table matching._gone")
