"""Clustering that honours cannot-links: connected components, then a careful pass
over the few components that would join what must stay apart.

Edges come with a weight (must-links and strong-rule links rank first). Most
components hold no conflict and are taken as they are. A component that would
put two different valid IDs of the same type together, or the two ends of a
steward's cannot-link, is rebuilt edge by edge, strongest first, refusing every
edge that would create such a conflict: the weaker evidence loses.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

MUST = np.inf


def cluster(n: int, edges: pd.DataFrame, ids: pd.DataFrame, cannot: pd.DataFrame,
            exempt_ids: pd.Series | None = None) -> np.ndarray:
    """A cluster label per node 0..n-1.

    edges: a, b, weight (higher first; `MUST` for must-links).
    ids: node, id_key (one row per valid identifier: "type:number"); two different
    numbers of the same type never meet in one cluster, except across a must-link.
    cannot: a, b: never in one cluster.
    """
    labels = _components(n, edges)
    bad = _conflicting(labels, ids, cannot)
    if not bad.size:
        return labels
    in_bad = np.isin(labels, bad)
    nodes = np.flatnonzero(in_bad)
    sub = edges[in_bad[edges["a"].to_numpy()]]
    sub = sub.sort_values(["weight", "a", "b"], ascending=[False, True, True], kind="stable")
    parent = {int(v): int(v) for v in nodes}
    id_sets: dict[int, dict[str, set[str]]] = {}
    for node, key in ids[ids["node"].isin(nodes)][["node", "id_key"]].itertuples(index=False):
        id_type, _, number = key.partition(":")
        id_sets.setdefault(int(node), {}).setdefault(id_type, set()).add(number)
    apart: dict[int, set[int]] = {}
    for a, b in cannot[["a", "b"]].itertuples(index=False):
        apart.setdefault(int(a), set()).add(int(b))
        apart.setdefault(int(b), set()).add(int(a))
    members = {v: [v] for v in parent}

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for a, b, weight in sub[["a", "b", "weight"]].itertuples(index=False):
        ra, rb = find(int(a)), find(int(b))
        if ra == rb:
            continue
        if any(find(o) == rb for m in members[ra] for o in apart.get(m, ())):
            continue
        ia, ib = id_sets.get(ra, {}), id_sets.get(rb, {})
        if weight != MUST and any(t in ib and not (ia[t] & ib[t]) for t in ia):
            continue
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
            ia, ib = ib, ia
        parent[rb] = ra
        members[ra] += members.pop(rb)
        for t, numbers in ib.items():
            ia.setdefault(t, set()).update(numbers)
        id_sets[ra] = ia
        id_sets.pop(rb, None)
    out = labels.copy()
    offset = labels.max() + 1
    for v in nodes:
        out[v] = offset + find(int(v))
    return out


def _components(n: int, edges: pd.DataFrame) -> np.ndarray:
    a, b = edges["a"].to_numpy(), edges["b"].to_numpy()
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _conflicting(labels: np.ndarray, ids: pd.DataFrame, cannot: pd.DataFrame) -> np.ndarray:
    """Labels of components holding two numbers of one ID type, or a cannot-link.

    Counted in DuckDB: pandas needs seconds to split and count a million ID strings."""
    frame = pd.DataFrame({"label": labels[ids["node"].to_numpy(dtype="int64")],
                          "id_key": ids["id_key"].to_numpy()})
    local = duckdb.connect()
    try:
        local.register("ids", frame)
        spread = local.execute("""
            select distinct label from ids
            group by label, split_part(id_key, ':', 1)
            having count(distinct id_key) > 1""").fetchnumpy()["label"]
    finally:
        local.close()
    bad = set(spread.tolist())
    if len(cannot):
        la, lb = labels[cannot["a"].to_numpy()], labels[cannot["b"].to_numpy()]
        bad |= set(la[la == lb].tolist())
    return np.array(sorted(bad), dtype=labels.dtype)
