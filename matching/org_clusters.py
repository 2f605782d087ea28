"""Organizations: strong rules merge; the model only groups suspects for review.

Same party: an equal valid USCC, or a USCC whose characters 9–17 equal a
9-character organization code (both reduce to `org_code`), or another equal
informative ID. Suspect groups: parties linked by model pairs at or above the
suspect weight with the same branch marker (a head office and its branch are
different parties by definition, related through the hierarchy); each party is
in at most one group (connected components of those links).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matching.constrained_clustering import cluster
from matching.person_clusters import STRONG, constraint_edges, key_edges


def cluster_orgs(frame: pd.DataFrame, constraints: pd.DataFrame, n: int) -> pd.Series:
    """frame: the organizations' uid, mention_id, org_code, strong_key. A label per uid."""
    uid_of = pd.Series(frame["uid"].to_numpy(), index=frame["mention_id"].to_numpy())
    keys = ("O:ORG:" + frame["org_code"]).fillna(frame["strong_key"])
    edges = pd.concat([constraint_edges(constraints, uid_of, "MUST"),
                       key_edges(frame["uid"].to_numpy(), keys, STRONG)], ignore_index=True)
    codes = frame[frame["org_code"].notna()]
    ids = pd.DataFrame({"node": codes["uid"].to_numpy(),
                        "id_key": ("ORG:" + codes["org_code"]).to_numpy()})
    cannot = constraint_edges(constraints, uid_of, "CANNOT")[["a", "b"]]
    labels = cluster(n, edges, ids, cannot)
    return pd.Series(labels[frame["uid"].to_numpy()], index=frame["uid"].to_numpy())


def suspect_groups(pairs: pd.DataFrame, frame: pd.DataFrame, party_of: pd.Series
                   ) -> pd.DataFrame:
    """party_id, suspect_group_id, score from mention pairs (uid_l, uid_r, match_probability).

    party_of: party_id per uid. A group is named after its smallest party_id, so it
    keeps its name while its members stay; a member's score is its strongest link.
    """
    marker = frame.set_index("uid")["branch_marker"]
    same_branch = (marker.reindex(pairs["uid_l"].to_numpy()).to_numpy()
                   == marker.reindex(pairs["uid_r"].to_numpy()).to_numpy())
    links = pd.DataFrame({
        "a": party_of.reindex(pairs["uid_l"].to_numpy()).to_numpy(),
        "b": party_of.reindex(pairs["uid_r"].to_numpy()).to_numpy(),
        "score": pairs["match_probability"].to_numpy(),
    })[same_branch]
    links = links[links["a"] != links["b"]]
    if links.empty:
        return pd.DataFrame({"suspect_group_id": pd.Series(dtype=str),
                             "party_id": pd.Series(dtype=str), "score": pd.Series(dtype=float)})
    parties, codes = np.unique(np.concatenate([links["a"], links["b"]]), return_inverse=True)
    a, b = codes[: len(links)], codes[len(links):]
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(len(parties),) * 2)
    group = connected_components(graph, directed=False)[1]
    score = (pd.concat([pd.DataFrame({"p": a, "s": links["score"].to_numpy()}),
                        pd.DataFrame({"p": b, "s": links["score"].to_numpy()})])
             .groupby("p")["s"].max())
    members = pd.DataFrame({"party_id": parties, "group": group,
                            "score": score.reindex(range(len(parties))).to_numpy()})
    members["suspect_group_id"] = "SG-" + members.groupby("group")["party_id"].transform("min")
    return (members[["suspect_group_id", "party_id", "score"]]
            .sort_values(["suspect_group_id", "party_id"], ignore_index=True))
