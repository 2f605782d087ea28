"""One matching run: cluster the mentions, keep party IDs stable, record what changed.

Reads `intermediate.int_party_mention` and `matching.link_constraint`; scores with
the saved models (matching/models/*.json) and the thresholds of
reference_data/match_thresholds.csv; writes, in one transaction:
- `matching.party_mention`: mention_id → party_id (the current assignment),
- `matching.person_suspect`: person party pairs for review, with their scores,
- `matching.suspect_group_member`: organization suspect groups (outputs.md §2),
- `matching.merge_history`: merges and splits against the previous run,
- `matching.match_run`: one row per run with its counts,
- `matching.party_id_sequence`: the next fresh id number.
Evidence for stewards (match-weight charts, cluster studio) goes to report_dir.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ecif.warehouse import Connection, write_frame
from matching.link_constraints import ensure_table, load_constraints
from matching.mentions import contract_links, load_contract_links, load_mentions, local_duckdb
from matching.merge_history import merge_split_events
from matching.org_clusters import cluster_orgs, suspect_groups
from matching.person_clusters import cluster_persons
from matching.scoring import score_pairs
from matching.stable_ids import assign_party_ids
from matching.thresholds import load_thresholds
from matching.training import MODEL_FILES

_FRAME_SQL = """
select uid, mention_id, party_type, strong_key, org_code, valid_id_type, valid_id_no,
       gender, birth_year, branch_marker, org_name_key, org_reg_area
from mentions order by uid
"""


@dataclass(frozen=True)
class MatchReport:
    run_id: str
    mentions: int
    parties: int
    merges: int
    splits: int
    person_suspects: int
    suspect_groups: int


def run_matching(conn: Connection, run_id: str, report_dir: Path | None = None,
                 models: dict[str, Path] = MODEL_FILES) -> MatchReport:
    thresholds = load_thresholds()
    ensure_table(conn)
    constraints = load_constraints(conn)
    local = local_duckdb()
    try:
        n = load_mentions(conn, local)
        load_contract_links(conn, local)
        # through Arrow into pandas' own strings: DuckDB's .df() builds a Python object
        # per string, seconds for a million mentions
        frame = local.sql(_FRAME_SQL).to_arrow_table().to_pandas()
        persons = frame[frame["party_type"] == "P"]
        orgs = frame[frame["party_type"] == "O"]
        person_scores = score_pairs(local, "P", models["P"], thresholds.person_suspect)
        person_labels, suspect_pairs = cluster_persons(
            persons, person_scores.pairs, contract_links(local, "P"), constraints,
            thresholds.person_merge, n, thresholds.person_birth_max_years_apart)
        org_labels = cluster_orgs(orgs, constraints, n)
        # labels share one number space: offset the organizations' past the persons'
        labels = pd.concat([person_labels, org_labels + n])
        clusters = pd.DataFrame({"mention_id": frame["mention_id"],
                                 "party_type": frame["party_type"],
                                 "cluster": labels.reindex(frame["uid"]).to_numpy()})
        previous = _previous_assignment(conn)
        assigned, next_number = assign_party_ids(clusters, previous, _next_id_number(conn))
        party_of = pd.Series(assigned["party_id"].to_numpy(), index=frame["uid"].to_numpy())
        person_suspects = _party_pairs(suspect_pairs, party_of, run_id)
        org_scores = score_pairs(local, "O", models["O"], thresholds.org_suspect)
        groups = suspect_groups(org_scores.pairs, orgs, party_of, thresholds.org_name_rule,
                                contract_links(local, "O")).assign(run_id=run_id)
        if report_dir is not None:
            from matching.evidence import write_evidence

            write_evidence(report_dir, person_scores, org_scores, labels, party_of)
    finally:
        local.close()

    history = merge_split_events(previous, assigned, run_id)
    report = MatchReport(
        run_id=run_id,
        mentions=len(assigned),
        parties=assigned["party_id"].nunique(),
        merges=int((history["event"] == "MERGE").sum()),
        splits=int((history["event"] == "SPLIT").sum()),
        person_suspects=len(person_suspects),
        suspect_groups=groups["suspect_group_id"].nunique(),
    )
    with conn.transaction():
        write_frame(conn, "matching", "party_mention", assigned.assign(run_id=run_id))
        write_frame(conn, "matching", "person_suspect", person_suspects)
        write_frame(conn, "matching", "suspect_group_member", groups)
        write_frame(conn, "matching", "merge_history", history, replace=False)
        write_frame(conn, "matching", "party_id_sequence",
                    pd.DataFrame({"next_number": [next_number]}))
        write_frame(conn, "matching", "match_run", pd.DataFrame([report.__dict__]),
                    replace=False)
    return report


def _party_pairs(pairs: pd.DataFrame, party_of: pd.Series, run_id: str) -> pd.DataFrame:
    """Mention pairs → one row per pair of parties, with its strongest score."""
    a = party_of.reindex(pairs["uid_l"].to_numpy()).to_numpy()
    b = party_of.reindex(pairs["uid_r"].to_numpy()).to_numpy()
    frame = pd.DataFrame({
        "party_id_a": pd.Series(a).where(a < b, b), "party_id_b": pd.Series(b).where(a < b, a),
        "match_weight": pairs["match_weight"].to_numpy(),
        "match_probability": pairs["match_probability"].to_numpy(),
    })
    best = (frame.groupby(["party_id_a", "party_id_b"], as_index=False)
            .agg(match_weight=("match_weight", "max"),
                 match_probability=("match_probability", "max"),
                 mention_pairs=("match_weight", "size")))
    best["mention_pairs"] = best["mention_pairs"].astype("int64")
    return best.assign(run_id=run_id).sort_values(["party_id_a", "party_id_b"],
                                                  ignore_index=True)


def _previous_assignment(conn: Connection) -> pd.DataFrame:
    if not conn.table_exists("matching", "party_mention"):
        return pd.DataFrame(columns=["mention_id", "party_id"])
    rows = conn.fetchall("select mention_id, party_id from matching.party_mention")
    return pd.DataFrame(rows, columns=["mention_id", "party_id"])


def _next_id_number(conn: Connection) -> int:
    if not conn.table_exists("matching", "party_id_sequence"):
        return 1
    return int(conn.scalar("select next_number from matching.party_id_sequence"))
