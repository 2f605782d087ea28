"""Steward decisions the clustering must honour every night: `matching.link_constraint`.

One row per decision on a pair of mentions: kind `MUST` (same party: an approved
merge) or `CANNOT` (different parties: an approved split). A party-level decision
is written as pairs of its mentions. The newest standing decision on a pair wins, so
a later reversal needs no delete. A `REVOKED` row (reason `revoked:N:by:M`) withdraws
the decisions of request N only: the pair falls back to the newest decision that is
not withdrawn, so rolling back a split brings back the merge it had overridden.
"""

from __future__ import annotations

import pandas as pd

from ecif.warehouse import Connection

DDL = """
create table if not exists matching.link_constraint (
    mention_id_a text not null,
    mention_id_b text not null,
    kind text not null,
    decided_by text,
    decided_at timestamp not null,
    reason text
)
"""


def ensure_table(conn: Connection) -> None:
    conn.execute("create schema if not exists matching")
    conn.execute(DDL)


def load_constraints(conn: Connection) -> pd.DataFrame:
    """mention_id_a, mention_id_b, kind: the standing decision per pair."""
    rows = conn.fetchall("""
        with decision as (
            select least(mention_id_a, mention_id_b) as mention_id_a,
                   greatest(mention_id_a, mention_id_b) as mention_id_b,
                   kind, decided_at, reason
            from matching.link_constraint
        ),
        withdrawn as (
            select distinct mention_id_a, mention_id_b,
                   'request:' || split_part(reason, ':', 2) as reason
            from decision where kind = 'REVOKED'
        ),
        standing as (
            select decision.*, row_number() over (
                       partition by decision.mention_id_a, decision.mention_id_b
                       order by decided_at desc, kind) as newest
            from decision
            where kind in ('MUST', 'CANNOT')
              and not exists (select 1 from withdrawn
                              where withdrawn.mention_id_a = decision.mention_id_a
                                and withdrawn.mention_id_b = decision.mention_id_b
                                and withdrawn.reason = decision.reason)
        )
        select mention_id_a, mention_id_b, kind from standing
        where newest = 1
        order by 1, 2""")
    return pd.DataFrame(rows, columns=["mention_id_a", "mention_id_b", "kind"])
