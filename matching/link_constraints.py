"""Steward decisions the clustering must honour every night: `matching.link_constraint`.

One row per decision on a pair of mentions: kind `MUST` (same party: an approved
merge) or `CANNOT` (different parties: an approved split). A party-level decision
is written as pairs of its mentions. The newest decision on a pair wins, so a
later reversal needs no delete.
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
        select mention_id_a, mention_id_b, kind from (
            select least(mention_id_a, mention_id_b) as mention_id_a,
                   greatest(mention_id_a, mention_id_b) as mention_id_b, kind,
                   row_number() over (
                       partition by least(mention_id_a, mention_id_b),
                                    greatest(mention_id_a, mention_id_b)
                       order by decided_at desc, kind) as newest
            from matching.link_constraint) t
        where newest = 1 and kind in ('MUST', 'CANNOT')
        order by 1, 2""")
    return pd.DataFrame(rows, columns=["mention_id_a", "mention_id_b", "kind"])
