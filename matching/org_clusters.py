"""Organizations: strong rules merge; a weak rule and the model only group suspects.

Same party: an equal valid USCC, or a USCC whose characters 9–17 equal a
9-character organization code (both reduce to `org_code`), or another equal
informative ID. Suspect groups: parties linked by model pairs at or above the
suspect weight with the same branch marker, or by the same registered name (the
weak rule: one organization filed under a USCC here, a BRN or no ID there). A head
office and its branch, and sister companies, are different parties by definition,
related through the hierarchy: their names differ. Two different registrations
(other organization code, other registering area) never share a group; each party
is in at most one group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.constrained_clustering import cluster
from matching.person_clusters import STRONG, constraint_edges, key_edges
from matching.thresholds import NameRule


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


def suspect_groups(pairs: pd.DataFrame, frame: pd.DataFrame, party_of: pd.Series,
                   name_rule: NameRule | None = None,
                   contract: pd.DataFrame | None = None) -> pd.DataFrame:
    """party_id, suspect_group_id, score from mention pairs (uid_l, uid_r, match_probability)
    and, with name_rule, the same-name weak rule (`name_links`) and the mentions one
    contract ties together under one name (contract: a, b uids; a payer without ID
    named like the policy holder), scored `name_rule.contract_score`.

    frame: the organizations' uid, branch_marker, org_name_key, org_code, org_reg_area.
    party_of: party_id per uid. Parties linked by these pairs form groups, except that
    two different registrations (different organization codes, or registered in
    different areas) never share a group: where links would join them, the groups are
    rebuilt strongest link first and the weaker link loses. A group is named after its
    smallest party_id, so it keeps its name while its members stay; a member's score
    is its strongest link inside its group.
    """
    marker = frame.set_index("uid")["branch_marker"]
    same_branch = (marker.reindex(pairs["uid_l"].to_numpy()).to_numpy()
                   == marker.reindex(pairs["uid_r"].to_numpy()).to_numpy())
    links = pd.DataFrame({
        "a": party_of.reindex(pairs["uid_l"].to_numpy()).to_numpy(),
        "b": party_of.reindex(pairs["uid_r"].to_numpy()).to_numpy(),
        "score": pairs["match_probability"].to_numpy(),
    })[same_branch]
    if name_rule is not None:
        links = pd.concat([links, name_links(frame, party_of, name_rule)], ignore_index=True)
    if name_rule is not None and contract is not None:
        links = pd.concat([links, pd.DataFrame({
            "a": party_of.reindex(contract["a"].to_numpy()).to_numpy(),
            "b": party_of.reindex(contract["b"].to_numpy()).to_numpy(),
            "score": name_rule.contract_score})], ignore_index=True)
    links = links[links["a"] != links["b"]]
    if links.empty:
        return pd.DataFrame({"suspect_group_id": pd.Series(dtype=str),
                             "party_id": pd.Series(dtype=str), "score": pd.Series(dtype=float)})
    parties, codes = np.unique(np.concatenate([links["a"], links["b"]]), return_inverse=True)
    a, b = codes[: len(links)], codes[len(links):]
    edges = pd.DataFrame({"a": a, "b": b, "weight": links["score"].to_numpy()})
    group = cluster(len(parties), edges, _registrations(frame, party_of, parties),
                    pd.DataFrame({"a": [], "b": []}, dtype="int64"))
    inside = group[a] == group[b]
    score = (pd.concat([pd.DataFrame({"p": a[inside], "s": edges["weight"][inside]}),
                        pd.DataFrame({"p": b[inside], "s": edges["weight"][inside]})])
             .groupby("p")["s"].max())
    members = pd.DataFrame({"party_id": parties, "group": group,
                            "score": score.reindex(range(len(parties))).to_numpy()})
    members = members[members["score"].notna()]      # left alone by the rebuild
    members["suspect_group_id"] = "SG-" + members.groupby("group")["party_id"].transform("min")
    return (members[["suspect_group_id", "party_id", "score"]]
            .sort_values(["suspect_group_id", "party_id"], ignore_index=True))


def _registrations(frame: pd.DataFrame, party_of: pd.Series, parties: np.ndarray
                   ) -> pd.DataFrame:
    """node, id_key: each party's organization codes and registration areas."""
    party = party_of.reindex(frame["uid"].to_numpy()).to_numpy()
    keys = pd.concat([pd.DataFrame({"party": party, "id_key": "ORG:" + frame["org_code"]}),
                      pd.DataFrame({"party": party, "id_key": "AREA:" + frame["org_reg_area"]})])
    keys = keys.dropna().drop_duplicates()
    node = pd.Series(np.arange(len(parties)), index=parties).reindex(keys["party"].to_numpy())
    keys = keys.assign(node=node.to_numpy())
    return keys[keys["node"].notna()].astype({"node": "int64"})[["node", "id_key"]]


def name_links(frame: pd.DataFrame, party_of: pd.Series, rule: NameRule) -> pd.DataFrame:
    """a, b, score: pairs of parties sharing a name key (`org_name_key`: the registered name
    with brackets dropped and the legal form read as 公司; the branch marker is part of it,
    so a head office and its branch never share one), at `rule.score`.

    A name is unique only within its registering authority, and a common one says
    little: a name carried by more than `rule.max_codes` organization codes links
    nothing. Parties that are different registrations are kept apart by
    `suspect_groups`.
    """
    named = pd.DataFrame({"party": party_of.reindex(frame["uid"].to_numpy()).to_numpy(),
                          "key": frame["org_name_key"].to_numpy(),
                          "code": frame["org_code"].to_numpy()}).dropna(subset=["key"])
    codes_per_key = named.groupby("key")["code"].nunique()
    named = named[named["key"].map(codes_per_key) <= rule.max_codes]
    nodes = named[["key", "party"]].drop_duplicates()
    pairs = nodes.merge(nodes, on="key", suffixes=("_a", "_b"))
    pairs = pairs[pairs["party_a"] < pairs["party_b"]].drop_duplicates(["party_a", "party_b"])
    return pd.DataFrame({"a": pairs["party_a"].to_numpy(), "b": pairs["party_b"].to_numpy(),
                         "score": np.full(len(pairs), rule.score)})
