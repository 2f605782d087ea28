"""Clustering that honours cannot-links: connected components, then a careful pass
over the few components that would join what must stay apart.

Edges come with a weight (must-links and strong-rule links rank first). Most
components hold no conflict and are taken as they are. A component that would
put two different values of one kind together (two valid IDs of the same type, a
man and a woman), two values of a span too far apart (birth years), or the two
ends of a steward's cannot-link, is rebuilt edge by edge, strongest first,
refusing every edge that would create such a conflict: the weaker evidence loses.
The conflict is refused whatever rule made the edge, so two mentions in conflict
never meet, neither by one link nor through a chain of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

MUST = np.inf


@dataclass(frozen=True)
class Span:
    """values: node, value (nodes that have one): a cluster's values lie within `limit`
    of one another, or within the range a must-link has already joined."""
    values: pd.DataFrame
    limit: float


NO_SPAN = Span(pd.DataFrame({"node": pd.Series(dtype="int64"), "value": pd.Series(dtype=float)}),
               np.inf)


def cluster(n: int, edges: pd.DataFrame, ids: pd.DataFrame, cannot: pd.DataFrame,
            span: Span = NO_SPAN) -> np.ndarray:
    """A cluster label per node 0..n-1.

    edges: a, b, weight (higher first; `MUST` for must-links).
    ids: node, id_key (one row per value: "kind:value", e.g. a valid identifier
    "RID:number"); two different values of one kind never meet in one cluster,
    except across a must-link.
    cannot: a, b: never in one cluster.
    span: values a cluster's members hold close to one another (persons' birth years).
    """
    labels = _components(n, edges)
    bad = _conflicting(labels, ids, cannot, span)
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
    ranges: dict[int, tuple[float, float]] = {}
    for node, value in span.values[span.values["node"].isin(nodes)].itertuples(index=False):
        low, high = ranges.get(int(node), (value, value))
        ranges[int(node)] = (min(low, value), max(high, value))
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
        range_a, range_b = ranges.get(ra), ranges.get(rb)
        if weight != MUST and _too_far(range_a, range_b, span.limit):
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
        if range_a or range_b:
            ranges[ra] = _joined(range_a, range_b)
        ranges.pop(rb, None)
    out = labels.copy()
    offset = labels.max() + 1
    for v in nodes:
        out[v] = offset + find(int(v))
    return out


Range = tuple[float, float]


def _joined(a: Range | None, b: Range | None) -> Range | None:
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), max(a[1], b[1])


def _too_far(a: Range | None, b: Range | None, limit: float) -> bool:
    """Joining would spread the values wider than `limit` and than either side already
    spans (a side wider than `limit` was joined by a steward: it may gather what lies
    within it)."""
    if a is None or b is None:
        return False
    low, high = min(a[0], b[0]), max(a[1], b[1])
    return high - low > limit and (low, high) not in (a, b)


def _components(n: int, edges: pd.DataFrame) -> np.ndarray:
    a, b = edges["a"].to_numpy(), edges["b"].to_numpy()
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _conflicting(labels: np.ndarray, ids: pd.DataFrame, cannot: pd.DataFrame,
                 span: Span) -> np.ndarray:
    """Labels of components holding two values of one kind, a span wider than its
    limit, or a cannot-link.

    Counted in DuckDB: pandas needs seconds to split and count a million ID strings."""
    frame = pd.DataFrame({"label": labels[ids["node"].to_numpy(dtype="int64")],
                          "id_key": ids["id_key"].to_numpy()})
    spans = pd.DataFrame({"label": labels[span.values["node"].to_numpy(dtype="int64")],
                          "value": span.values["value"].to_numpy(dtype=float)})
    local = duckdb.connect()
    try:
        local.register("ids", frame)
        local.register("spans", spans)
        spread = local.execute("""
            select distinct label from ids
            group by label, split_part(id_key, ':', 1)
            having count(distinct id_key) > 1
            union
            select label from spans
            group by label
            having max(value) - min(value) > ?""", [span.limit]).fetchnumpy()["label"]
    finally:
        local.close()
    bad = set(spread.tolist())
    if len(cannot):
        la, lb = labels[cannot["a"].to_numpy()], labels[cannot["b"].to_numpy()]
        bad |= set(la[la == lb].tolist())
    return np.array(sorted(bad), dtype=labels.dtype)
