"""Stable party IDs: a new clustering inherits the previous run's IDs by overlap.

Each new cluster takes the old party_id it shares the most mentions with (ties to
the smaller id); one old id goes to at most one new cluster. Clusters left without
an id get fresh ones, numbered in order of their smallest mention_id so the same
input always yields the same ids.
"""

from __future__ import annotations

import pandas as pd

ID_WIDTH = 10


def assign_party_ids(
    clusters: pd.DataFrame, previous: pd.DataFrame, next_number: int
) -> tuple[pd.DataFrame, int]:
    """clusters: mention_id, party_type, cluster. previous: mention_id, party_id.

    Returns (mention_id, party_type, party_id) and the next unused id number.
    """
    overlap = (
        clusters.merge(previous, on="mention_id")
        .groupby(["cluster", "party_id"], as_index=False)
        .size()
        .sort_values(["size", "party_id", "cluster"], ascending=[False, True, True])
    )
    inherited: dict[int, str] = {}
    taken: set[str] = set()
    for cluster, party_id in overlap[["cluster", "party_id"]].itertuples(index=False):
        if cluster not in inherited and party_id not in taken:
            inherited[cluster] = party_id
            taken.add(party_id)

    firsts = (
        clusters.groupby("cluster", as_index=False)
        .agg(first_mention=("mention_id", "min"), party_type=("party_type", "first"))
        .sort_values("first_mention")
    )
    fresh = firsts[~firsts["cluster"].isin(inherited.keys())]
    numbers = range(next_number, next_number + len(fresh))
    ids = {
        cluster: f"{party_type}{number:0{ID_WIDTH}d}"
        for cluster, party_type, number in zip(fresh["cluster"], fresh["party_type"], numbers,
                                               strict=True)
    }
    ids.update(inherited)
    result = clusters.assign(party_id=clusters["cluster"].map(ids))
    return result[["mention_id", "party_type", "party_id"]], next_number + len(fresh)
