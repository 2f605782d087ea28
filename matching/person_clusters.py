"""Persons: strong rules, then Splink scores above the merge threshold, under constraints.

Edges rank: steward must-links, then the strong rules (equal informative ID of the
same type and one name; one policy or claim and one name, see int_contract_name_link),
then model scores at or above the merge weight that something identifying
corroborates. No rule overrides a conflict: two different valid IDs of the same
type, two known genders, or birth years further apart than the thresholds allow
never meet in one party, whether one link or a chain of them would join them
(matching.constrained_clustering); only a steward's merge does. Pairs between the
suspect and the merge weight that did not end up together are returned as suspects,
except those that cannot be one person: a steward's time is for real doubts.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from matching.constrained_clustering import MUST, Span, cluster

STRONG = 1e9


def key_edges(uids: np.ndarray, keys: pd.Series, weight: float) -> pd.DataFrame:
    """Each keyed node linked to the first node with its key (a star per key). In
    DuckDB: a million string keys take pandas seconds to group."""
    local = duckdb.connect()
    try:
        local.register("keyed", pd.DataFrame({"uid": uids, "key": keys.to_numpy()}))
        star = local.execute("""
            select a, b from (
                select min(uid) over (partition by key) as a, uid as b
                from keyed where key is not null)
            where a <> b order by b""").df()
    finally:
        local.close()
    return star.assign(weight=weight)


def exclusive_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """node, id_key: a person's valid ID ("type:number") and known gender ("gender:M"),
    of which one party holds one per kind."""
    has_id, has_gender = frame["valid_id_no"].notna(), frame["gender"].notna()
    return pd.DataFrame({
        "node": np.concatenate([frame.loc[has_id, "uid"].to_numpy(),
                                frame.loc[has_gender, "uid"].to_numpy()]),
        "id_key": np.concatenate([(frame.loc[has_id, "valid_id_type"] + ":"
                                   + frame.loc[has_id, "valid_id_no"]).to_numpy(),
                                  ("gender:" + frame.loc[has_gender, "gender"]).to_numpy()])})


def birth_years(frame: pd.DataFrame, max_years_apart: int) -> Span:
    """Known birth years: further apart than max_years_apart, two people."""
    has = frame["birth_year"].notna()
    return Span(pd.DataFrame({"node": frame.loc[has, "uid"].to_numpy(),
                              "value": frame.loc[has, "birth_year"].to_numpy(dtype=float)}),
                max_years_apart)


def constraint_edges(constraints: pd.DataFrame, uid_of: pd.Series, kind: str) -> pd.DataFrame:
    chosen = constraints[constraints["kind"] == kind]
    a = chosen["mention_id_a"].map(uid_of)
    b = chosen["mention_id_b"].map(uid_of)
    both = a.notna() & b.notna()
    return pd.DataFrame({"a": a[both].astype("int64").to_numpy(),
                         "b": b[both].astype("int64").to_numpy(), "weight": MUST})


def cluster_persons(frame: pd.DataFrame, pairs: pd.DataFrame, links: pd.DataFrame,
                    constraints: pd.DataFrame, merge_weight: float, n: int,
                    birth_max_years_apart: int) -> tuple[pd.Series, pd.DataFrame]:
    """frame: the persons' uid, mention_id, strong_key, valid_id_type, valid_id_no,
    gender, birth_year.
    links: a, b uids of the mentions one contract ties together under one name.

    Returns a label per uid (index uid) and the suspect pairs (uid_l, uid_r,
    match_weight, match_probability) left in different clusters, but for those that
    cannot be one person (_cannot_be_one): never queued for a steward.
    """
    uid_of = pd.Series(frame["uid"].to_numpy(), index=frame["mention_id"].to_numpy())
    scored = pairs[(pairs["match_weight"] >= merge_weight) & pairs["corroborated"]]
    edges = pd.concat([
        constraint_edges(constraints, uid_of, "MUST"),
        key_edges(frame["uid"].to_numpy(), frame["strong_key"], STRONG),
        links[["a", "b"]].assign(weight=STRONG),
        pd.DataFrame({"a": scored["uid_l"].to_numpy(), "b": scored["uid_r"].to_numpy(),
                      "weight": scored["match_weight"].to_numpy()}),
    ], ignore_index=True)
    cannot = constraint_edges(constraints, uid_of, "CANNOT")[["a", "b"]]
    labels = cluster(n, edges, exclusive_keys(frame), cannot,
                     birth_years(frame, birth_max_years_apart))
    node_labels = pd.Series(labels[frame["uid"].to_numpy()], index=frame["uid"].to_numpy())
    apart = labels[pairs["uid_l"].to_numpy()] != labels[pairs["uid_r"].to_numpy()]
    candidates = pairs[apart]
    return node_labels, candidates[~_cannot_be_one(candidates, frame, birth_max_years_apart)]


def _cannot_be_one(pairs: pd.DataFrame, frame: pd.DataFrame,
                   birth_max_years_apart: int) -> np.ndarray:
    """Pairs that the strong rules say are two people, so not suspects: two different
    valid IDs of one type, two genders on mentions that both carry a valid ID, or
    birth years further apart than the thresholds allow."""
    known = frame.set_index("uid")[["valid_id_type", "valid_id_no", "gender", "birth_year"]]
    left = known.reindex(pairs["uid_l"].to_numpy()).reset_index(drop=True)
    right = known.reindex(pairs["uid_r"].to_numpy()).reset_index(drop=True)
    both_ids = left["valid_id_no"].notna() & right["valid_id_no"].notna()
    other_id = (both_ids & (left["valid_id_type"] == right["valid_id_type"])
                & (left["valid_id_no"] != right["valid_id_no"]))
    other_gender = (both_ids & left["gender"].notna() & right["gender"].notna()
                    & (left["gender"] != right["gender"]))
    years_apart = (left["birth_year"] - right["birth_year"]).abs() > birth_max_years_apart
    return (other_id | other_gender | years_apart.fillna(False)).to_numpy(dtype=bool)
