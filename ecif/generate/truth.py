"""Ground truth beside the extracts (TRUTH_DIR): who every party mention really is.

`mentions.csv`: one row per (system, entity, key, role) in its final state.
`entities.csv`: the true persons and organizations. `relations.csv`: spouse_of, twin_of,
branch_of, subsidiary_of, sister_of between them.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ecif.extract_spec import BY_NAME, PARTY_ROLES
from ecif.generate.dirt import DIRT_LABELS, TRAP_LABELS, labels_text
from ecif.generate.population import NO, Orgs, Persons, ymd_int
from ecif.generate.tables import Table

MENTION_COLUMNS = ("source_system", "source_entity", "source_key", "source_role", "entity_id",
                   "party_type", "traps", "dirt", "first_date", "last_date", "deleted")
ENTITY_COLUMNS = ("entity_id", "party_type", "name", "id_no", "gender", "birth_date", "mobile",
                  "parent_entity_id")
RELATION_COLUMNS = ("entity_id", "relation", "related_entity_id")


def _csv(columns: list[np.ndarray]) -> bytes:
    if not len(columns[0]):
        return b""
    lines = [",".join(row) for row in zip(*(c.tolist() for c in columns), strict=True)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def header(columns: tuple[str, ...]) -> bytes:
    return (",".join(columns) + "\n").encode("utf-8")


def mention_rows(tables: dict[str, Table], dates: list[date]) -> tuple[bytes, int]:
    """Final state of every party mention in these tables."""
    date_text = np.array([d.strftime("%Y%m%d") for d in dates], dtype=object)
    out: list[bytes] = []
    total = 0
    for system, entity, role in PARTY_ROLES:
        t = tables.get(entity)
        if not t or len(t["_day"]) == 0:
            continue
        spec = BY_NAME[system, entity]
        order = np.argsort(t["_day"], kind="stable")
        keys = pd.Series(t[spec.key][order])
        day = t["_day"][order]
        first_day = pd.Series(day).groupby(keys.to_numpy()).transform("min").to_numpy()
        last = ~keys.duplicated(keep="last").to_numpy()
        sel = order[last]
        eid = t[f"_eid:{role}"][sel]
        has_party = eid != ""
        sel, fd = sel[has_party], first_day[last][has_party]
        k = len(sel)
        if not k:
            continue
        cols = [
            np.full(k, system, dtype=object), np.full(k, entity, dtype=object),
            t[spec.key][sel], np.full(k, role, dtype=object), t[f"_eid:{role}"][sel],
            t[f"_ptype:{role}"][sel], labels_text(t[f"_traps:{role}"][sel], TRAP_LABELS),
            labels_text(t[f"_dirt:{role}"][sel], DIRT_LABELS), date_text[fd - 1],
            date_text[t["_day"][sel] - 1],
            np.where(t["_op"][sel] == "D", "true", "false").astype(object),
        ]
        out.append(_csv(cols))
        total += k
    return b"".join(out), total


def person_entities(p: Persons) -> bytes:
    n = len(p)
    return _csv([p.eid, np.full(n, "P", dtype=object), p.name, p.id_no, p.gender,
                 ymd_int(p.birth).astype(str).astype(object), p.mobile,
                 np.full(n, "", dtype=object)])


def org_entities(o: Orgs) -> bytes:
    n = len(o)
    parent = np.where(o.parent != NO, o.eid[np.maximum(o.parent, 0)], "").astype(object)
    return _csv([o.eid, np.full(n, "O", dtype=object), o.name, o.uscc,
                 np.full(n, "", dtype=object), np.full(n, "", dtype=object), o.mobile, parent])


def person_relations(p: Persons) -> bytes:
    parts = []
    for rel, other in (("spouse_of", p.spouse), ("twin_of", p.twin)):
        i = np.flatnonzero(other != NO)
        parts.append(_csv([p.eid[i], np.full(len(i), rel, dtype=object), p.eid[other[i]]]))
    return b"".join(parts)


def org_relations(o: Orgs) -> bytes:
    parts = []
    for rel, kind in (("branch_of", "branch"), ("subsidiary_of", "sub")):
        i = np.flatnonzero(o.kind == kind)
        parts.append(_csv([o.eid[i], np.full(len(i), rel, dtype=object), o.eid[o.parent[i]]]))
    subs = pd.DataFrame({"i": np.flatnonzero(o.kind == "sub")})
    subs["parent"] = o.parent[subs["i"].to_numpy()]
    pairs = subs.merge(subs, on="parent")
    pairs = pairs[pairs["i_x"] != pairs["i_y"]]
    a, b = pairs["i_x"].to_numpy(), pairs["i_y"].to_numpy()
    parts.append(_csv([o.eid[a], np.full(len(a), "sister_of", dtype=object), o.eid[b]]))
    return b"".join(parts)
