"""Which mentions a night must cluster again: whole components around what changed.

The clustering (matching.person_clusters, matching.org_clusters) decides each connected
component of its graph on its own, from that component's mentions, edges and
constraints alone, and orders edges by uid, which follows mention_id whatever subset
is loaded. So a component whose mentions, edges and constraints did not change gets
the same clusters again, and keeps its parties: only the region below is clustered.

The graph here may hold more edges than the clustering uses (a superset only makes
regions larger, never wrong): steward must-links, equal strong keys or organization
codes, contract links, and scored pairs at or above the merge weight that are
corroborated.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

_GRAPH = """
select a, b from contract_links
union all
select a, b from (
    select min(uid) over (partition by party_type, k) as a, uid as b
    from (select uid, party_type, strong_key as k from mentions
          union all select uid, party_type, org_code from mentions where party_type = 'O')
    where k is not null)
where a <> b
union all
select l.uid, r.uid from new_match_edge as e
join mentions as l on l.mention_id = e.mention_id_l
join mentions as r on r.mention_id = e.mention_id_r
where e.party_type = 'P' and e.match_weight >= ? and e.corroborated
union all
select l.uid, r.uid from constraints as c
join mentions as l on l.mention_id = c.mention_id_a
join mentions as r on r.mention_id = c.mention_id_b
where c.kind = 'MUST'
"""


def components(local: duckdb.DuckDBPyConnection, n: int, merge_weight: float) -> None:
    """Table `component` (uid, mention_id, component) in `local`: each mention's component
    named by its smallest mention_id, so the name does not depend on the uids."""
    edges = local.execute(_GRAPH, [merge_weight]).fetchnumpy()
    graph = coo_matrix((np.ones(len(edges["a"]), dtype=np.int8), (edges["a"], edges["b"])),
                       shape=(n, n))
    labels = connected_components(graph, directed=False)[1]
    local.register("labels", pd.DataFrame({"uid": np.arange(n), "label": labels}))
    try:
        local.execute("""
            create or replace table component as
            select uid, mention_id, min(mention_id) over (partition by label) as component
            from labels join mentions using (uid)""")
    finally:
        local.unregister("labels")


def region(local: duckdb.DuckDBPyConnection, batch_mentions: int, everything: bool) -> int:
    """Table `region` (uid, mention_id, batch) in `local`: the mentions to cluster again.

    From the seeds (table `seeds`: uid) and the deleted mentions (table `deleted`:
    mention_id), closed under: the current component, the stored component (what was
    connected before), and the previous party (its id must be decided in one place).
    Batches hold whole components, about batch_mentions mentions each. everything:
    every mention is in the region (a run from scratch).
    """
    local.execute("create or replace table region as select uid, mention_id from component"
                  + ("" if everything else " where uid in (select uid from seeds)"))
    size, grown = -1, _count(local, "region")
    if everything:
        size = grown
    while grown != size:
        size = grown
        local.execute("""
            create or replace table region as
            with touched as (select mention_id from region union select mention_id from deleted),
            old_components as (
                select component from state_mention_state
                where mention_id in (select mention_id from touched)),
            old_parties as (
                select party_id from previous_party
                where mention_id in (select mention_id from touched)),
            reached as (
                select mention_id from touched
                union select mention_id from state_mention_state
                where component in (select component from old_components)
                union select mention_id from previous_party
                where party_id in (select party_id from old_parties))
            select uid, mention_id from component
            where component in (select component from component
                                where mention_id in (select mention_id from reached))""")
        grown = _count(local, "region")
    local.execute(f"""
        create or replace table region as
        select uid, mention_id, batch
        from region join component using (uid, mention_id) join (
            select component, (sum(count(*)) over (order by component)) // {batch_mentions}
                as batch
            from component where uid in (select uid from region) group by component)
        using (component)
        order by uid""")
    return size


def _count(local: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(local.execute(f"select count(*) from {table}").fetchall()[0][0])
