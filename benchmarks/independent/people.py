"""The true persons and organizations, drawn with Faker's zh_CN provider.

Relations are built while drawing: a spouse or twin is drawn right after their partner.
Rates here are this data set's own (deliberately not the main generator's).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from benchmarks.independent.codes import org_code_check, rid_check, uscc_check

SPOUSE_RATE = 0.12        # persons who start a married couple (partner drawn next)
SPOUSE_SHARE_MOBILE = 0.7
TWIN_RATE = 0.008
COMMON_NAME_RATE = 0.04
CUSTOMERS_PER_AGENT = 150
# Document mix of persons: most carry a resident ID, the rest other documents.
ID_MIX = (("RID", 0.905), ("HHR", 0.02), ("PASSPORT", 0.025), ("HKMO", 0.015), ("TW", 0.01),
          ("MIL", 0.01), ("FPR", 0.015))
COMMON_NAMES = {
    "M": ("张伟", "王伟", "李伟", "刘伟", "王磊", "李强", "张勇", "王军", "刘洋", "李杰"),
    "F": ("王芳", "李娜", "张敏", "李静", "王静", "张丽", "刘芳", "王丽", "李秀英", "张秀英"),
}
GROUP_HEAD_RATE = 0.3
SUB_RATE = 0.13
BRANCH_RATE = 0.12
INDUSTRIES = ("科技", "物流", "建设", "贸易", "医药", "食品", "电子", "实业", "投资", "传媒",
              "环保", "机械")


@dataclass
class Person:
    eid: str
    surname: str
    given: str
    gender: str          # M / F
    birth: date
    id_type: str         # standard code
    id_no: str           # clean value
    mobile: str
    province: str
    city: str
    district: str
    street: str
    postcode: str
    agent: int
    traps: set[str] = field(default_factory=set)
    partner: int | None = None   # index of spouse or twin
    relation: str = ""           # spouse_of / twin_of

    @property
    def name(self) -> str:
        return self.surname + self.given


@dataclass
class Org:
    eid: str
    name: str
    uscc: str
    org_code: str       # XXXXXXXX-X
    brn: str
    mobile: str
    phone: str
    province: str
    city: str
    address: str
    legal_rep: str
    kind: str           # head / sub / branch
    parent: int | None
    agent: int
    traps: set[str] = field(default_factory=set)


def _rid(area: str, birth: date, male: bool, rng: random.Random) -> str:
    seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + rid_check(body)


def _document(kind: str, rid: str, fake: Faker, rng: random.Random) -> str:
    if kind in ("RID", "HHR"):        # a household register lists the resident ID number
        return rid
    if kind == "PASSPORT":
        return rng.choice("EG") + fake.numerify("########")
    if kind == "HKMO":
        return rng.choice("HM") + fake.numerify("########")
    if kind == "TW":
        return fake.numerify("########")
    if kind == "MIL":
        prefix = rng.choice(("南字第", "北字第", "军字第", "政字第"))
        return prefix + fake.numerify("#######") + "号"
    # FPR: three-letter nationality + 12 digits (2017 format).
    return rng.choice(("USA", "CAN", "KOR", "JPN", "DEU", "FRA")) + fake.numerify("############")


def _pick_id_type(rng: random.Random) -> str:
    r, acc = rng.random(), 0.0
    for kind, p in ID_MIX:
        acc += p
        if r < acc:
            return kind
    return "RID"


def _given(fake: Faker, gender: str) -> str:
    return fake.first_name_male() if gender == "M" else fake.first_name_female()


def make_people(fake: Faker, rng: random.Random, n: int, today: date) -> list[Person]:
    people: list[Person] = []
    n_agents = max(1, n // CUSTOMERS_PER_AGENT)
    while len(people) < n:
        i = len(people)
        gender = rng.choice("MF")
        birth = today - timedelta(days=rng.randrange(18 * 365, 85 * 365))
        if rng.random() < COMMON_NAME_RATE:
            full = rng.choice(COMMON_NAMES[gender])
            surname, given = full[0], full[1:]
        else:
            surname, given = fake.last_name(), _given(fake, gender)
        area = fake.ssn()[:6]
        id_type = _pick_id_type(rng)
        rid = _rid(area, birth, gender == "M", rng)
        p = Person(f"IP{i:08d}", surname, given, gender, birth, id_type,
                   _document(id_type, rid, fake, rng), fake.phone_number(), fake.province(),
                   fake.city(), fake.district() + "区", fake.street_address(), fake.postcode(),
                   rng.randrange(n_agents))
        if p.name in COMMON_NAMES[gender]:
            p.traps.add("common_name")
        people.append(p)
        if len(people) >= n:
            break
        r = rng.random()
        if r < SPOUSE_RATE:
            people.append(_spouse(fake, rng, p, len(people), today, area))
        elif r < SPOUSE_RATE + TWIN_RATE:
            people.append(_twin(fake, rng, p, len(people), area))
    return people


def _spouse(fake: Faker, rng: random.Random, p: Person, j: int, today: date, area: str) -> Person:
    gender = "F" if p.gender == "M" else "M"
    birth = min(p.birth + timedelta(days=rng.randrange(-6 * 365, 6 * 365)),
                today - timedelta(days=18 * 365 + 30))
    kind = _pick_id_type(rng)
    doc = _document(kind, _rid(area, birth, gender == "M", rng), fake, rng)
    mobile = p.mobile if rng.random() < SPOUSE_SHARE_MOBILE else fake.phone_number()
    s = Person(f"IP{j:08d}", fake.last_name(), _given(fake, gender), gender, birth, kind, doc,
               mobile, p.province, p.city, p.district, p.street, p.postcode, p.agent,
               {"spouse"}, j - 1, "spouse_of")
    p.traps.add("spouse")
    p.partner, p.relation = j, "spouse_of"
    return s


def _twin(fake: Faker, rng: random.Random, p: Person, j: int, area: str) -> Person:
    gender = rng.choice("MF")
    # Twins often share the first character of the given name (思远 / 思恒).
    given = _given(fake, gender)
    if len(p.given) == 2:
        given = p.given[0] + given[-1] if given[-1] != p.given[1] else p.given[0] + "晨"
    kind = _pick_id_type(rng)
    doc = _document(kind, _rid(area, p.birth, gender == "M", rng), fake, rng)
    t = Person(f"IP{j:08d}", p.surname, given, gender, p.birth, kind, doc, fake.phone_number(),
               p.province, p.city, p.district, p.street, p.postcode, p.agent, {"twin"}, j - 1,
               "twin_of")
    p.traps.add("twin")
    p.partner, p.relation = j, "twin_of"
    return t


def _org_ids(fake: Faker, area: str) -> tuple[str, str, str]:
    body = fake.numerify("########")
    code = body + org_code_check(body)
    first17 = "91" + area + code
    return first17 + uscc_check(first17), f"{body}-{code[8]}", area + fake.numerify("#########")


def make_orgs(fake: Faker, rng: random.Random, m: int, n_agents: int) -> list[Org]:
    orgs: list[Org] = []
    heads: list[int] = []
    brands: dict[int, str] = {}
    for i in range(m):
        r = rng.random()
        kind = "head"
        if heads and r < BRANCH_RATE:
            kind = "branch"
        elif heads and r < BRANCH_RATE + SUB_RATE:
            kind = "sub"
        parent = rng.choice(heads) if kind != "head" else None
        city = fake.city_name()
        if kind == "head":
            brands[i] = fake.company_prefix()
            name = brands[i] + rng.choice(INDUSTRIES) + rng.choice(
                ("有限公司", "股份有限公司", "有限责任公司"))
        elif kind == "sub":
            # Sister companies share the group's brand and differ in trade or city.
            brands[i] = brands[parent]
            name = f"{brands[parent]}（{city}）{rng.choice(INDUSTRIES)}有限公司"
        else:
            name = f"{orgs[parent].name}{city}分公司"
        uscc, org_code, brn = _org_ids(fake, fake.ssn()[:6])
        o = Org(f"IO{i:07d}", name, uscc, org_code, brn, fake.phone_number(),
                f"0{rng.randrange(10, 999)}-{rng.randrange(2000000, 89999999)}", fake.province(),
                city + "市", fake.street_address() + rng.choice(("大厦", "工业园", "广场")) +
                f"{rng.randrange(1, 30)}层", fake.name(), kind, parent, rng.randrange(n_agents))
        orgs.append(o)
        if kind == "head" and rng.random() < GROUP_HEAD_RATE:
            heads.append(i)
    for o in orgs:
        if o.kind == "sub":
            o.traps.add("sister_company")
        elif o.kind == "branch":
            o.traps.add("branch")
            orgs[o.parent].traps.add("branch")
    return orgs
