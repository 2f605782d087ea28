"""Merges and splits between two runs' assignments, for `matching.merge_history`.

A merge: one new party holds mentions of two or more earlier parties.
A split: the mentions of one earlier party now sit in two or more parties.
"""

from __future__ import annotations

import pandas as pd

COLUMNS = ["run_id", "event", "party_id", "related_party_ids", "mention_count"]


def merge_split_events(previous: pd.DataFrame, current: pd.DataFrame, run_id: str) -> pd.DataFrame:
    both = current[["mention_id", "party_id"]].merge(
        previous[["mention_id", "party_id"]], on="mention_id", suffixes=("", "_before")
    )
    merges = _fan_out(both, "party_id", "party_id_before", "MERGE", run_id)
    splits = _fan_out(both, "party_id_before", "party_id", "SPLIT", run_id)
    # typed even when empty: the appended table's first run fixes its column types
    return pd.concat([merges, splits], ignore_index=True)[COLUMNS].astype(
        {"run_id": "str", "event": "str", "party_id": "str",
         "related_party_ids": "str", "mention_count": "int64"})


def _fan_out(both: pd.DataFrame, one: str, many: str, event: str, run_id: str) -> pd.DataFrame:
    """Rows where one `one` value maps to several `many` values."""
    # only those groups get their related ids joined: a Python call per group
    both = both[both.groupby(one)[many].transform("nunique") > 1]
    grouped = both.groupby(one).agg(
        related=(many, lambda ids: ",".join(sorted(set(ids)))),
        distinct=(many, "nunique"),
        mention_count=("mention_id", "size"),
    )
    hits = grouped[grouped["distinct"] > 1].reset_index()
    return pd.DataFrame({
        "run_id": run_id,
        "event": event,
        "party_id": hits[one],
        "related_party_ids": hits["related"],
        "mention_count": hits["mention_count"].astype("int64"),
    })
