"""One matching run: cluster the mentions, keep party IDs stable, record what changed.

Reads `intermediate.int_party_mention`; writes, in one transaction:
- `matching.party_mention`: mention_id → party_id (the current assignment),
- `matching.merge_history`: merges and splits against the previous run,
- `matching.match_run`: one row per run with its counts,
- `matching.party_id_sequence`: the next fresh id number.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ecif.warehouse import Connection, write_frame
from matching.merge_history import merge_split_events
from matching.stable_ids import assign_party_ids
from matching.strong_rules import cluster_by_strong_keys, load_mentions


@dataclass(frozen=True)
class MatchReport:
    run_id: str
    mentions: int
    parties: int
    merges: int
    splits: int


def run_matching(conn: Connection, run_id: str) -> MatchReport:
    mentions = load_mentions(conn)
    mentions["cluster"] = cluster_by_strong_keys(mentions)
    previous = _previous_assignment(conn)
    next_number = _next_id_number(conn)
    assigned, next_number = assign_party_ids(mentions, previous, next_number)
    history = merge_split_events(previous, assigned, run_id)
    report = MatchReport(
        run_id=run_id,
        mentions=len(assigned),
        parties=assigned["party_id"].nunique(),
        merges=int((history["event"] == "MERGE").sum()),
        splits=int((history["event"] == "SPLIT").sum()),
    )
    with conn.transaction():
        write_frame(conn, "matching", "party_mention", assigned.assign(run_id=run_id))
        write_frame(conn, "matching", "merge_history", history, replace=False)
        write_frame(conn, "matching", "party_id_sequence",
                    pd.DataFrame({"next_number": [next_number]}))
        write_frame(conn, "matching", "match_run", pd.DataFrame([report.__dict__]),
                    replace=False)
    return report


def _previous_assignment(conn: Connection) -> pd.DataFrame:
    if not conn.table_exists("matching", "party_mention"):
        return pd.DataFrame(columns=["mention_id", "party_id"])
    rows = conn.fetchall("select mention_id, party_id from matching.party_mention")
    return pd.DataFrame(rows, columns=["mention_id", "party_id"])


def _next_id_number(conn: Connection) -> int:
    if not conn.table_exists("matching", "party_id_sequence"):
        return 1
    return int(conn.scalar("select next_number from matching.party_id_sequence"))
