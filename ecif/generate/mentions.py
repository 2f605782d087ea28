"""One party as one source row names it: the dirty values plus truth labels.

System-neutral: standard codes (RID/USCC/ORG/BRN, M/F/U); `systems.py` maps them to
each system's own code set and date format.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecif.generate import dirt, rates
from ecif.generate.population import Orgs, Persons, agent_mobiles

# Documents whose number is a resident ID number (the only ones with RID dirt).
RESIDENT_NUMBER = ("RID", "HHR")


@dataclass
class Mention:
    eid: np.ndarray
    ptype: np.ndarray
    name: np.ndarray
    id_type: np.ndarray    # standard code (RID, PASSPORT, …, USCC / ORG / BRN)
    id_no: np.ndarray
    gender: np.ndarray     # M / F / U ('' for organizations)
    birth: np.ndarray      # datetime64[D], NaT for organizations / unknown
    mobile: np.ndarray
    traps: np.ndarray
    dirt: np.ndarray

    def __len__(self) -> int:
        return len(self.eid)


def person_mentions(rng: np.random.Generator, p: Persons, idx: np.ndarray, *,
                    agent: bool = True, typo: bool = True) -> Mention:
    n = len(idx)
    bits = np.zeros(n, dtype=np.int64)
    traps = p.traps[idx].copy()
    name = dirt.dirty_names(rng, p.name[idx], bits, typo=typo)
    id_no = dirt.dirty_person_ids(rng, p.id_no[idx], p.birth_year[idx], bits, traps,
                                  resident=np.isin(p.id_type[idx], RESIDENT_NUMBER))
    mobile = dirt.dirty_mobiles(rng, p.mobile[idx], agent_mobiles(p.agent[idx]) if agent else None,
                                bits, traps)
    gender = p.gender[idx].copy()
    gender[dirt.missing_gender(rng, n, bits)] = "U"
    return Mention(p.eid[idx], np.full(n, "P", dtype=object), name,
                   p.id_type[idx].copy(), id_no, gender, p.birth[idx], mobile,
                   traps, bits)


def org_mentions(rng: np.random.Generator, o: Orgs, idx: np.ndarray) -> Mention:
    n = len(idx)
    bits = np.zeros(n, dtype=np.int64)
    traps = o.traps[idx].copy()
    name = dirt.dirty_names(rng, o.name[idx], bits, typo=True)
    legacy = rng.random(n) < rates.ORG_LEGACY_ID_RATE
    use_brn = legacy & (rng.random(n) < 0.4)
    id_type = np.where(use_brn, "BRN", np.where(legacy, "ORG", "USCC")).astype(object)
    id_no = np.where(use_brn, o.brn[idx], np.where(legacy, o.org_code[idx], o.uscc[idx]))
    id_no = id_no.astype(object)
    bits[legacy] |= dirt.DIRT["org_legacy_id"]
    id_no = dirt.dirty_org_ids(rng, id_no, bits, traps)
    mobile = dirt.dirty_mobiles(rng, o.mobile[idx], None, bits, traps)
    return Mention(o.eid[idx], np.full(n, "O", dtype=object), name, id_type, id_no,
                   np.full(n, "", dtype=object), np.full(n, np.datetime64("NaT"), "M8[D]"),
                   mobile, traps, bits)


def concat_mentions(parts: list[Mention]) -> Mention:
    return Mention(*(np.concatenate([getattr(m, f) for m in parts])
                     for f in Mention.__dataclass_fields__))
