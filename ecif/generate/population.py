"""The true people and organizations behind the extracts, with their relations.

Persons are generated in chunks of consecutive global indices (spouses and twins are
paired inside a chunk); organizations in one block. Everything is a column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ecif.generate import addresses as addr
from ecif.generate import identifiers as ids
from ecif.generate import names as nm
from ecif.generate import rates
from ecif.generate.dirt import TRAP

NO = -1


def rng_for(seed: int, *stream: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *stream])))


def ymd_int(d: np.ndarray) -> np.ndarray:
    y = d.astype("M8[Y]").astype(np.int64) + 1970
    m = d.astype("M8[M]").astype(np.int64) % 12 + 1
    dd = (d - d.astype("M8[M]")).astype(np.int64) + 1
    return y * 10000 + m * 100 + dd


def agent_codes(agent: np.ndarray) -> np.ndarray:
    return "AG" + ids.zpad(agent, 6)


def agent_mobiles(agent: np.ndarray) -> np.ndarray:
    """Each agent's own mobile, a fixed function of the agent number."""
    tail = (agent.astype(np.int64) * 7_368_787 + 12_345_679) % 90_000_000 + 10_000_000
    return (139 * 10**8 + tail).astype(str).astype(object)


@dataclass
class Persons:
    gid: np.ndarray
    eid: np.ndarray
    gender: np.ndarray      # 'M' / 'F'
    birth: np.ndarray       # datetime64[D]
    area: np.ndarray
    names: nm.Names
    id_type: np.ndarray     # standard code: RID, PASSPORT, HKMO, TW, MIL, FPR, HHR
    id_no: np.ndarray
    mobile: np.ndarray
    address: np.ndarray
    postcode: np.ndarray
    agent: np.ndarray
    spouse: np.ndarray      # local index or NO
    twin: np.ndarray        # local index or NO
    traps: np.ndarray       # person-level trap bits
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.gid)

    @property
    def name(self) -> np.ndarray:
        return self.names.full

    @property
    def birth_year(self) -> np.ndarray:
        return self.birth.astype("M8[Y]").astype(np.int64) + 1970


def make_persons(seed: int, lo: int, hi: int, start: date) -> Persons:
    rng = rng_for(seed, 1, lo)
    n = hi - lo
    gid = np.arange(lo, hi, dtype=np.int64)
    gender = np.where(rng.random(n) < 0.5, "M", "F").astype(object)
    today = np.datetime64(start, "D")
    birth = today - rng.integers(18 * 365, 80 * 365, n).astype("m8[D]")
    area = addr.sample_areas(rng, n)
    minority = rng.random(n) < rates.MINORITY_RATE
    if len(addr.XINJIANG):
        area[minority] = addr.XINJIANG[rng.integers(0, len(addr.XINJIANG), int(minority.sum()))]
    # Pairs (i, i+1) at even positions: spouses or twins.
    spouse = np.full(n, NO, dtype=np.int64)
    twin = np.full(n, NO, dtype=np.int64)
    starts = np.arange(0, n - 1, 2)
    r = rng.random(len(starts))
    sp = starts[r < rates.SPOUSE_RATE]
    tw = starts[(r >= rates.SPOUSE_RATE) & (r < rates.SPOUSE_RATE + rates.TWIN_RATE)]
    spouse[sp], spouse[sp + 1] = sp + 1, sp
    twin[tw], twin[tw + 1] = tw + 1, tw
    gender[sp] = "M"
    gender[sp + 1] = "F"
    birth[sp + 1] = np.minimum(birth[sp] + rng.integers(-5 * 365, 3 * 365, len(sp)).astype("m8[D]"),
                               today - np.timedelta64(18 * 365 + 5, "D"))
    birth[tw + 1] = birth[tw]
    area[sp + 1] = area[sp]
    area[tw + 1] = area[tw]
    minority[tw + 1] = minority[tw] = False
    names = nm.person_names(rng, gender, minority, rates.COMMON_NAME_RATE)
    nm.twin_name(rng, names, tw, tw + 1, gender)
    male = gender == "M"
    seq = ids.person_sequence(rng, male)
    # Twins: registered one after the other (different sequence, same parity rule).
    seq[tw + 1] = (seq[tw] // 2 + 1) % 500 * 2 + male[tw + 1]
    id_no = ids.resident_ids(addr.AREA_CODE[area], ymd_int(birth), seq)
    mobile = ids.mobiles(rng, n)
    mobile[sp + 1] = mobile[sp]                      # the couple shares one mobile
    address = addr.street_addresses(rng, n)
    address[sp + 1] = address[sp]
    address[tw + 1] = address[tw]
    postcode = addr.postcodes(rng, area)
    postcode[sp + 1] = postcode[sp]
    postcode[tw + 1] = postcode[tw]
    agent = gid // rates.CUSTOMERS_PER_AGENT
    traps = np.zeros(n, dtype=np.int64)
    traps[spouse != NO] |= TRAP["spouse"]
    traps[twin != NO] |= TRAP["twin"]
    traps[names.common] |= TRAP["common_name"]
    eid = "P" + ids.zpad(gid, 7)
    # Drawn last so that every other column keeps its stream position.
    id_type, id_no = ids.person_documents(rng, id_no, rates.PERSON_DOCUMENT_RATES)
    return Persons(gid, eid, gender, birth, area, names, id_type, id_no, mobile, address, postcode,
                   agent, spouse, twin, traps)


@dataclass
class Orgs:
    gid: np.ndarray
    eid: np.ndarray
    name: np.ndarray
    uscc: np.ndarray
    org_code: np.ndarray
    brn: np.ndarray
    area: np.ndarray
    address: np.ndarray
    phone: np.ndarray
    mobile: np.ndarray
    legal_rep: np.ndarray
    parent: np.ndarray      # index or NO
    kind: np.ndarray        # 'head' / 'sub' / 'branch'
    industry: np.ndarray    # index into names.INDUSTRY
    traps: np.ndarray
    agent: np.ndarray

    def __len__(self) -> int:
        return len(self.gid)


_ORG_CACHE: dict[tuple[int, int, int], Orgs] = {}


def make_orgs(seed: int, m: int, persons: int) -> Orgs:
    key = (seed, m, persons)
    if key in _ORG_CACHE:
        return _ORG_CACHE[key]
    rng = rng_for(seed, 2)
    gid = np.arange(m, dtype=np.int64)
    r = rng.random(m)
    kind = np.where(r < rates.BRANCH_RATE, "branch",
                    np.where(r < rates.BRANCH_RATE + rates.SUBSIDIARY_RATE, "sub", "head"))
    kind = kind.astype(object)
    heads = np.flatnonzero(kind == "head")
    group_heads = heads[rng.random(len(heads)) < rates.ORG_GROUP_RATE]
    if len(group_heads) == 0:
        kind[:] = "head"
        group_heads = np.zeros(0, dtype=np.int64)
    parent = np.full(m, NO, dtype=np.int64)
    dep = np.flatnonzero(kind != "head")
    if len(dep):
        parent[dep] = group_heads[rng.integers(0, len(group_heads), len(dep))]
    area = addr.sample_areas(rng, m)
    brand = nm.org_brands(rng, m)
    industry = rng.integers(0, len(nm.INDUSTRY), m)
    suffix = nm.SUFFIX[rng.choice(len(nm.SUFFIX), size=m, p=nm.SUFFIX_P)]
    is_group = np.zeros(m, bool)
    is_group[group_heads] = True
    suffix[is_group & (rng.random(m) < 0.5)] = "集团有限公司"
    suffix[kind == "sub"] = np.where(rng.random(int((kind == "sub").sum())) < 0.8,
                                     "有限公司", "有限责任公司")
    subs = kind == "sub"
    brand[subs] = brand[parent[subs]]                     # sister companies share the brand
    same_ind = subs & (industry == industry[np.maximum(parent, 0)])
    industry[same_ind] = (industry[same_ind] + 1) % len(nm.INDUSTRY)
    name = addr.CITY_SHORT[area] + brand + nm.INDUSTRY[industry] + suffix
    br = np.flatnonzero(kind == "branch")
    # Branches are named after the head office (fixed after the heads are named).
    name[br] = name[parent[br]] + addr.CITY_SHORT[area[br]] + "分公司"
    industry[br] = industry[parent[br]]
    uscc, org_code = ids.usccs(rng, addr.AREA_CODE[area])
    brn = ids.business_reg_numbers(rng, addr.AREA_CODE[area])
    traps = np.zeros(m, dtype=np.int64)
    traps[subs] |= TRAP["sister_company"]
    traps[br] |= TRAP["branch"]
    traps[parent[br]] |= TRAP["branch"]
    eid = "O" + ids.zpad(gid, 7)
    orgs = Orgs(gid, eid, name, uscc, org_code, brn, area, addr.office_addresses(rng, m),
                addr.landlines(rng, area), ids.mobiles(rng, m), nm.random_person_names(rng, m),
                parent, kind, industry, traps,
                rng.integers(0, max(1, persons // rates.CUSTOMERS_PER_AGENT), m))
    _ORG_CACHE.clear()
    _ORG_CACHE[key] = orgs
    return orgs
