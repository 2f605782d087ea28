"""Row tables (dict of equal-length numpy object columns) and their DELTA history.

A table holds the spec columns of one entity as str ('' = null), plus hidden columns:
`_day` (1-based business day the row version is sent), `_op`, and per party role
`_eid:<role>`, `_ptype:<role>`, `_traps:<role>`, `_dirt:<role>` for the ground truth.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ecif.extract_spec import EntitySpec
from ecif.generate import rates

Table = dict[str, np.ndarray]
Mutator = Callable[[Table, np.random.Generator, int], Table]


def new_table(n: int) -> Table:
    return {"_day": np.ones(n, dtype=np.int64), "_op": np.full(n, "I", dtype=object)}


def n_rows(t: Table) -> int:
    return len(t["_day"])


def take(t: Table, idx: np.ndarray) -> Table:
    return {k: v[idx] for k, v in t.items()}


def concat(tables: list[Table]) -> Table:
    nonempty = [t for t in tables if t and n_rows(t)]
    if not nonempty:
        return next((t for t in tables if t), {})
    tables = nonempty
    keys = tables[0].keys()
    return {k: np.concatenate([t[k] for t in tables]) for k in keys}


def set_role(t: Table, role: str, eid: np.ndarray, ptype: np.ndarray | str,
             traps: np.ndarray, dirt: np.ndarray) -> None:
    n = n_rows(t)
    t[f"_eid:{role}"] = eid
    t[f"_ptype:{role}"] = np.broadcast_to(np.asarray(ptype, dtype=object), (n,)).copy()
    t[f"_traps:{role}"] = traps
    t[f"_dirt:{role}"] = dirt


def conform(t: Table, spec: EntitySpec) -> Table:
    """Every spec column present (missing → ''), op filled from `_op`."""
    n = n_rows(t)
    for c in spec.columns:
        if c not in t:
            t[c] = np.full(n, "", dtype=object)
    t["op"] = t["_op"]
    return t


def with_history(t: Table, spec: EntitySpec, rng: np.random.Generator, days: int,
                 mutate: Mutator | None = None, update_rate: float = rates.UPDATE_RATE,
                 delete_rate: float = rates.DELETE_RATE) -> Table:
    """Base rows (each sent as I on its `_day`) plus U and D versions on later days.

    Each key is updated at most once and deleted at most once (after any update).
    A share of late inserts is sent as U for a key never sent (spec §3).
    """
    t = conform(t, spec)
    n = n_rows(t)
    if days <= 1 or n == 0:
        return t
    late = t["_day"] > 1
    # The rate is per row of the entity, spread over its late inserts: entities whose rows
    # mostly arrive on DELTA days (contact events) must not send most of them as U.
    as_u = late & (rng.random(n) < rates.UNKNOWN_KEY_U_RATE * n / max(int(late.sum()), 1))
    t["_op"] = np.where(as_u, "U", t["_op"]).astype(object)
    t["op"] = t["_op"]
    versions = [t]
    keys = pd.Series(t[spec.key])
    first = ~keys.duplicated().to_numpy()
    last_day = pd.Series(t["_day"]).groupby(keys).transform("max").to_numpy().copy()
    touched = ~first
    deleted = ~first
    for day in range(2, days + 1):
        alive = (last_day < day) & ~deleted
        r = rng.random(n)
        upd = alive & ~touched & (r < update_rate)
        dele = alive & ~upd & (r >= update_rate) & (r < update_rate + delete_rate)
        if upd.any() and mutate is not None:
            u = take(t, np.flatnonzero(upd))
            u = mutate(u, rng, day)
            u["_day"] = np.full(n_rows(u), day, dtype=np.int64)
            u["_op"] = np.full(n_rows(u), "U", dtype=object)
            u["op"] = u["_op"]
            versions.append(u)
            touched |= upd
            last_day[upd] = day
        if dele.any():
            d = take(t, np.flatnonzero(dele))
            for c in spec.columns:
                if c != spec.key:
                    d[c] = np.full(n_rows(d), "", dtype=object)
            d["_day"] = np.full(n_rows(d), day, dtype=np.int64)
            d["_op"] = np.full(n_rows(d), "D", dtype=object)
            d["op"] = d["_op"]
            versions.append(d)
            deleted |= dele
    return concat(versions)


def unknown_deletes(spec: EntitySpec, keys: np.ndarray, day: int, roles: list[str]) -> Table:
    """D rows for keys that never existed (no party behind them)."""
    n = len(keys)
    t = new_table(n)
    t["_day"][:] = day
    t["_op"][:] = "D"
    for c in spec.columns:
        t[c] = np.full(n, "", dtype=object)
    t[spec.key] = keys
    t["op"] = t["_op"]
    for role in roles:
        set_role(t, role, np.full(n, "", dtype=object), "", np.zeros(n, np.int64),
                 np.zeros(n, np.int64))
    return t
