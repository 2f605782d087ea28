"""Strong-rule clustering: mentions that share a valid, informative identifier are one party.

A strong key is party type + standard ID type + normalized ID number, taken only
from mentions whose ID is valid (check digit, not a placeholder). Everything
else stays a party of its own: when in doubt, never merge.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ecif.warehouse import Connection

MENTIONS_SQL = """
select mention_id, party_type,
       case when id_informative then party_type || ':' || id_type || ':' || id_no end as strong_key
from intermediate.int_party_mention
order by mention_id
"""


def load_mentions(conn: Connection) -> pd.DataFrame:
    rows = conn.fetchall(MENTIONS_SQL)
    return pd.DataFrame(rows, columns=["mention_id", "party_type", "strong_key"])


def cluster_by_strong_keys(mentions: pd.DataFrame) -> pd.Series:
    """A cluster number per mention: connected components of the mention–key graph."""
    n = len(mentions)
    keyed = mentions["strong_key"].notna().to_numpy()
    key_codes, _ = pd.factorize(mentions.loc[keyed, "strong_key"])
    mention_index = np.flatnonzero(keyed)
    # node ids: mentions are 0..n-1, keys are n..n+k-1
    graph = coo_matrix(
        (np.ones(len(mention_index), dtype=np.int8), (mention_index, key_codes + n)),
        shape=(n + (key_codes.max() + 1 if len(key_codes) else 0),) * 2,
    )
    _, labels = connected_components(graph, directed=False)
    return pd.Series(labels[:n], index=mentions.index, name="cluster")
