"""The five source systems' rows for one block of parties, with their DELTA history.

`person_block` builds every entity's rows for a chunk of persons, `org_block` for all
organizations. Values are formatted in each system's own code sets and date formats
(spec §5); the writers only serialize.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from ecif.extract_spec import BY_NAME
from ecif.generate import addresses as addr
from ecif.generate import dirt, rates
from ecif.generate import identifiers as ids
from ecif.generate import names as nm
from ecif.generate.mentions import Mention, org_mentions, person_mentions
from ecif.generate.population import NO, Orgs, Persons, agent_codes, rng_for, ymd_int
from ecif.generate.tables import (
    Table,
    concat,
    n_rows,
    new_table,
    set_role,
    take,
    unknown_deletes,
    with_history,
)


@dataclass(frozen=True)
class Context:
    seed: int
    days: int
    start: date
    persons: int
    orgs: int

    def day_date(self, day: int) -> np.datetime64:
        return np.datetime64(self.start, "D") + np.timedelta64(day - 1, "D")


# ---------------------------------------------------------------- formatting helpers
def d_ymd(d: np.ndarray) -> np.ndarray:
    ok = ~np.isnat(d)
    out = np.full(len(d), "", dtype=object)
    if not ok.any():
        return out
    out[ok] = ymd_int(d[ok]).astype(str).astype(object)
    return out


def d_iso(d: np.ndarray, sep: str = "-") -> np.ndarray:
    ok = ~np.isnat(d)
    out = np.full(len(d), "", dtype=object)
    if not ok.any():
        return out
    s = np.datetime_as_string(d[ok], unit="D")
    out[ok] = (np.char.replace(s, "-", sep) if sep != "-" else s).astype(object)
    return out


def ts_claims(t: np.ndarray) -> np.ndarray:
    ok = ~np.isnat(t)
    out = np.full(len(t), "", dtype=object)
    if not ok.any():
        return out
    s = np.datetime_as_string(t[ok], unit="s")
    out[ok] = np.char.replace(np.char.replace(s, "-", "/"), "T", " ").astype(object)
    return out


def ts_iso(t: np.ndarray) -> np.ndarray:
    ok = ~np.isnat(t)
    out = np.full(len(t), "", dtype=object)
    if not ok.any():
        return out
    out[ok] = np.datetime_as_string(t[ok], unit="s").astype(object) + "+08:00"
    return out


def money(fen: np.ndarray) -> np.ndarray:
    """Yuan with two decimals from integer fen."""
    y, f = np.divmod(fen.astype(np.int64), 100)
    return y.astype(str).astype(object) + "." + ids.zpad(f, 2)


def pick(rng: np.random.Generator, options: list[str] | tuple[str, ...], n: int,
         p: list[float] | None = None) -> np.ndarray:
    arr = np.array(list(options), dtype=object)
    return arr[rng.choice(len(arr), size=n, p=p)]


def seconds_in_day(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(8 * 3600, 21 * 3600, n).astype("m8[s]")


CORE_ID = {"RID": "01", "PASSPORT": "02", "MIL": "03", "HKMO": "04", "TW": "05", "HHR": "06",
           "FPR": "07", "USCC": "10", "ORG": "11", "BRN": "12"}
# uw has no code for 户口簿 or 营业执照: it files both under O (other).
UW_ID = {"RID": "I", "PASSPORT": "P", "HKMO": "H", "TW": "T", "MIL": "M", "FPR": "F",
         "HHR": "O", "USCC": "U", "ORG": "C", "BRN": "O"}
CLAIMS_ID = {"RID": "身份证", "PASSPORT": "护照", "HKMO": "港澳通行证", "TW": "台胞证",
             "MIL": "军官证", "HHR": "户口簿", "FPR": "外国人永久居留证",
             "USCC": "统一社会信用代码", "ORG": "组织机构代码", "BRN": "其他"}


def code_map(values: np.ndarray, mapping: dict[str, str]) -> np.ndarray:
    out = np.full(len(values), "", dtype=object)
    for k, v in mapping.items():
        out[values == k] = v
    return out


def arrival_days(rng: np.random.Generator, ctx: Context, n: int, rate: float) -> np.ndarray:
    day = np.ones(n, dtype=np.int64)
    if ctx.days > 1:
        late = rng.random(n) < rate * (ctx.days - 1)
        day[late] = rng.integers(2, ctx.days + 1, int(late.sum()))
    return day


def put_mention(t: Table, role: str, m: Mention) -> None:
    set_role(t, role, m.eid, m.ptype, m.traps, m.dirt)


# ---------------------------------------------------------------- core.customer
OCCUPATIONS = ("0001001", "0101002", "0201001", "0301003", "0401001", "0501002", "0701001",
               "1201001", "1401002", "2101001")
INDUSTRY_CODES = ("F51", "I65", "C34", "E48", "K70", "G54", "H62", "C27", "M75", "L72")
EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "139.com", "hotmail.com")


def _emails(rng: np.random.Generator, p: Persons, idx: np.ndarray) -> np.ndarray:
    n = len(idx)
    local = np.array([(g + s).lower().replace("·", "") for g, s in
                      zip(p.names.given_py[idx], p.names.surname_py[idx], strict=True)],
                     dtype=object) if n else np.zeros(0, object)
    num = rng.integers(1, 999, n).astype(str).astype(object)
    out = local + num + "@" + pick(rng, EMAIL_DOMAINS, n)
    out[rng.random(n) > 0.2] = ""
    return out


def core_customers_persons(rng: np.random.Generator, ctx: Context, p: Persons, idx: np.ndarray,
                           dup: np.ndarray, day: np.ndarray) -> Table:
    n = len(idx)
    m = person_mentions(rng, p, idx)
    m.dirt[dup] |= dirt.DIRT["dup_in_system"]
    t = new_table(n)
    t["_day"] = day
    t["cust_no"] = ids.opaque_keys("C", p.gid[idx] * 4 + dup, salt=101)
    t["cust_type"] = np.full(n, "1", dtype=object)
    t["name"] = m.name
    t["id_type"] = code_map(m.id_type, CORE_ID)
    t["id_no"] = m.id_no
    unknown = np.where(rng.random(n) < 0.5, "0", "9")
    t["gender"] = np.where(m.gender == "M", "1", np.where(m.gender == "F", "2", unknown))
    t["gender"] = t["gender"].astype(object)
    t["birth_date"] = d_ymd(m.birth)
    t["mobile"] = m.mobile
    phone = addr.landlines(rng, p.area[idx])
    phone[rng.random(n) > 0.2] = ""
    t["phone"] = phone
    t["email"] = _emails(rng, p, idx)
    t["province"] = addr.PROVINCE[p.area[idx]]
    t["city"] = addr.CITY[p.area[idx]]
    t["district"] = addr.DISTRICT[p.area[idx]]
    t["address"] = p.address[idx]
    t["postcode"] = p.postcode[idx]
    t["occupation_code"] = pick(rng, OCCUPATIONS, n)
    t["agent_code"] = agent_codes(p.agent[idx])
    created = ctx.day_date(1) - rng.integers(30, 15 * 365, n).astype("m8[D]")
    created = np.where(day > 1, ctx.day_date(1) + (day - 1).astype("m8[D]"), created)
    t["created_date"] = d_ymd(created)
    t["updated_date"] = d_ymd(np.minimum(created + rng.integers(0, 2000, n).astype("m8[D]"),
                                         ctx.day_date(1) + (day - 1).astype("m8[D]")))
    put_mention(t, "customer", m)
    return t


def _customer_mutator(ctx: Context, p: Persons | None):
    def mutate(u: Table, rng: np.random.Generator, day: int) -> Table:
        n = n_rows(u)
        u["updated_date"] = np.full(n, d_ymd(np.array([ctx.day_date(day)]))[0], dtype=object)
        persons = u["cust_type"] == "1"
        change = persons & (rng.random(n) < rates.CHANGED_MOBILE_RATE / rates.UPDATE_RATE)
        u["mobile"] = u["mobile"].copy()
        u["mobile"][change] = ids.mobiles(rng, int(change.sum()))
        u["_dirt:customer"] = u["_dirt:customer"].copy()
        u["_dirt:customer"][change] &= ~dirt.MOBILE_DIRT
        still_fw = np.array([any(ord(c) >= 0xFF01 for c in v) for v in u.get("id_no", u["name"])])
        u["_dirt:customer"][change & ~still_fw] &= ~dirt.DIRT["fullwidth"]
        u["_dirt:customer"][change] |= dirt.DIRT["changed_mobile"]
        u["_traps:customer"] = u["_traps:customer"].copy()
        u["_traps:customer"][change] &= ~dirt.MOBILE_TRAPS
        moved = ~change & (rng.random(n) < 0.5)
        u["address"] = u["address"].copy()
        u["address"][moved & persons] = addr.street_addresses(rng, int((moved & persons).sum()))
        u["address"][moved & ~persons] = addr.office_addresses(rng, int((moved & ~persons).sum()))
        return u
    return mutate


def _touch(column: str, fmt):
    def mutate(u: Table, rng: np.random.Generator, day: int) -> Table:
        u[column] = np.full(n_rows(u), fmt(day), dtype=object)
        return u
    return mutate


# ---------------------------------------------------------------- core.policy
LINES = {"AUTO": "DAA", "PROPERTY": "QAA", "LIABILITY": "ZAA", "ACCIDENT": "EAA",
         "HEALTH": "JAA", "CARGO": "YAA"}
CHANNELS = ("AGENT", "BROKER", "TELESALES", "ONLINE", "BANK")
PREMIUM_RANGE = {"AUTO": (1800, 9000), "PROPERTY": (300, 3000), "LIABILITY": (2000, 50000),
                 "ACCIDENT": (100, 800), "HEALTH": (300, 5000), "CARGO": (1000, 80000)}
SUM_RANGE = {"AUTO": (100000, 2000000), "PROPERTY": (200000, 3000000),
             "LIABILITY": (500000, 10000000), "ACCIDENT": (100000, 1000000),
             "HEALTH": (50000, 3000000), "CARGO": (100000, 20000000)}


def _policy_rows(rng: np.random.Generator, ctx: Context, *, ordinal: np.ndarray,
                 line: np.ndarray, holder_cust: np.ndarray, insured_cust: np.ndarray,
                 eff: np.ndarray, status: np.ndarray, agent: np.ndarray, area: np.ndarray,
                 plate: np.ndarray, day: np.ndarray) -> Table:
    n = len(ordinal)
    t = new_table(n)
    t["_day"] = day
    code = code_map(line, LINES)
    year = (eff.astype("M8[Y]").astype(np.int64) + 1970).astype(str).astype(object)
    t["policy_no"] = "P" + code + year + ids.opaque_keys("", ordinal, salt=202)
    t["product_code"] = code + ids.zpad(rng.integers(1, 20, n), 2)
    t["product_line"] = line
    t["holder_cust_no"] = holder_cust
    t["insured_cust_no"] = insured_cust
    t["effective_date"] = d_ymd(eff)
    t["expiry_date"] = d_ymd(eff + np.timedelta64(365, "D"))
    prem = np.zeros(n, dtype=np.int64)
    suminsured = np.zeros(n, dtype=np.int64)
    for ln, (lo, hi) in PREMIUM_RANGE.items():
        m = line == ln
        prem[m] = rng.integers(lo * 100, hi * 100, int(m.sum()))
        slo, shi = SUM_RANGE[ln]
        suminsured[m] = rng.integers(slo // 1000, shi // 1000, int(m.sum())) * 100000
    t["premium"] = money(prem)
    t["sum_insured"] = money(suminsured)
    t["status"] = status
    t["channel"] = pick(rng, CHANNELS, n, [0.55, 0.1, 0.15, 0.12, 0.08])
    t["agent_code"] = agent_codes(agent)
    t["branch_code"] = addr.BRANCH_CODE[area]
    t["vehicle_plate"] = plate
    upd = np.minimum(eff, ctx.day_date(1) + (day - 1).astype("m8[D]"))
    t["updated_date"] = d_ymd(upd)
    t["_premium_fen"] = prem
    t["_eff"] = eff
    return t


def _policy_mutator(ctx: Context):
    def mutate(u: Table, rng: np.random.Generator, day: int) -> Table:
        n = n_rows(u)
        u["updated_date"] = np.full(n, d_ymd(np.array([ctx.day_date(day)]))[0], dtype=object)
        cancel = (u["status"] == "1") & (rng.random(n) < 0.3)
        u["status"] = np.where(cancel, "5", u["status"]).astype(object)
        u["channel"] = np.where(~cancel, pick(rng, CHANNELS, n), u["channel"]).astype(object)
        return u
    return mutate


def _expiry_updates(ctx: Context, pol: Table, renew_day: np.ndarray) -> Table:
    """U rows on the expiry day: the expired policy's status becomes 4."""
    sel = np.flatnonzero(renew_day > 0)
    u = take(pol, sel)
    u["status"] = np.full(len(sel), "4", dtype=object)
    u["_day"] = np.maximum(renew_day[sel], u["_day"])
    u["_op"] = np.full(len(sel), "U", dtype=object)
    u["op"] = u["_op"]
    u["updated_date"] = d_ymd(ctx.day_date(1) + (u["_day"] - 1).astype("m8[D]"))
    return u


# ---------------------------------------------------------------- uw.uw_case
DECISIONS = ("ACCEPT", "RATED", "POSTPONE", "DECLINE")


def uw_cases(rng: np.random.Generator, ctx: Context, ordinal: np.ndarray, policy_no: np.ndarray,
             app: Mention, ins: Mention, eff: np.ndarray, day: np.ndarray) -> Table:
    n = len(ordinal)
    t = new_table(n)
    t["_day"] = day
    t["case_id"] = ids.opaque_keys("UW", ordinal, salt=303)
    t["policy_no"] = policy_no
    for prefix, m in (("applicant", app), ("insured", ins)):
        t[f"{prefix}_name"] = m.name
        t[f"{prefix}_id_type"] = code_map(m.id_type, UW_ID)
        t[f"{prefix}_id_no"] = m.id_no
        t[f"{prefix}_gender"] = np.where(m.ptype == "O", "", m.gender).astype(object)
        t[f"{prefix}_birth_date"] = d_iso(m.birth)
    t["applicant_mobile"] = app.mobile
    t["risk_class"] = pick(rng, "ABCDE", n, [0.4, 0.3, 0.15, 0.1, 0.05])
    t["decision"] = pick(rng, DECISIONS, n, [0.78, 0.12, 0.06, 0.04])
    t["decision_date"] = d_iso(eff - rng.integers(0, 10, n).astype("m8[D]"))
    uwr = ids.zpad(rng.integers(1, 400, n), 4)
    t["underwriter_id"] = "UW" + uwr
    put_mention(t, "applicant", app)
    put_mention(t, "insured", ins)
    return t


def _uw_mutator(ctx: Context):
    def mutate(u: Table, rng: np.random.Generator, day: int) -> Table:
        n = n_rows(u)
        u["decision"] = pick(rng, DECISIONS, n)
        u["risk_class"] = pick(rng, "ABCDE", n)
        u["decision_date"] = np.full(n, d_iso(np.array([ctx.day_date(day)]))[0], dtype=object)
        return u
    return mutate


# ---------------------------------------------------------------- claims.claim
CAUSES = {
    "AUTO": ("碰撞", "追尾", "刮擦", "单方事故", "盗抢", "暴雨涉水"),
    "PROPERTY": ("火灾", "水管爆裂", "暴雨", "盗窃"),
    "LIABILITY": ("第三者人身伤害", "第三者财产损失"),
    "ACCIDENT": ("意外摔伤", "交通意外", "运动损伤"),
    "HEALTH": ("疾病住院", "门诊手术", "重大疾病"),
    "CARGO": ("货物受损", "货物丢失", "运输延误损失"),
}
_DESC = (
    '客户称："在{addr}路口等红灯时被追尾"，后保险杠受损,已拍照。',
    "报案人{name}来电，{cause}，现场无人伤。\n已安排查勘员联系。",
    "{cause}; 被保险人{name}（电话{mobile}）要求尽快定损,称\"急用\"。",
    "标的于{addr}发生{cause}，损失约{amt}元，\r\n待补充材料：发票, 诊断证明。",
    "{cause}，客户情绪激动，称已投诉,\"再不处理就找媒体\"。",
    "{cause}。",
)
STATUS_FLOW = {"报案": "立案", "立案": "结案"}


def _descriptions(rng: np.random.Generator, names: np.ndarray, mobiles: np.ndarray,
                  cause: np.ndarray, addresses: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    tpl = rng.integers(0, len(_DESC), len(names))
    return np.array([_DESC[k].format(name=a, mobile=b or "未留", cause=c, addr=d[:6], amt=e)
                     for k, a, b, c, d, e in zip(tpl.tolist(), names, mobiles, cause, addresses,
                                                 amounts, strict=True)], dtype=object)


@dataclass
class ClaimParts:
    table: Table
    payee: Mention | None
    payout_day: np.ndarray


def claims(rng: np.random.Generator, ctx: Context, ordinal: np.ndarray, policy_no: np.ndarray,
           line: np.ndarray, eff: np.ndarray, claimant: Mention, reporter_name: np.ndarray,
           report_phone: np.ndarray, addresses: np.ndarray, day: np.ndarray) -> Table:
    """Claims with their status history: day-1 claims in any state, later ones 报案,
    open claims progressing 报案 → 立案 → 结案 (paid_amount, closed_time) on later days."""
    n = len(ordinal)
    t = new_table(n)
    t["_day"] = day
    t["claim_no"] = ids.opaque_keys("CL", ordinal, salt=404)
    t["policy_no"] = policy_no
    first = ctx.day_date(1)
    back = rng.integers(1, 330, n).astype("m8[D]")
    report_date = np.where(day > 1, first + (day - 1).astype("m8[D]"),
                           np.maximum(eff + np.timedelta64(1, "D"), first - back))
    report_date = np.minimum(report_date, first + (day - 1).astype("m8[D]"))
    report = report_date.astype("M8[s]") + seconds_in_day(rng, n)
    t["report_time"] = ts_claims(report)
    t["report_phone"] = report_phone
    t["reporter_name"] = reporter_name
    t["claimant_name"] = claimant.name
    t["claimant_id_type"] = code_map(claimant.id_type, CLAIMS_ID)
    t["claimant_id_no"] = claimant.id_no
    t["claimant_gender"] = np.where(claimant.gender == "M", "男",
                                    np.where(claimant.gender == "F", "女", "")).astype(object)
    t["claimant_mobile"] = claimant.mobile
    loss = report_date - rng.integers(0, 4, n).astype("m8[D]")
    t["loss_date"] = d_iso(loss, "/")
    cause = np.empty(n, dtype=object)
    for ln, opts in CAUSES.items():
        m = line == ln
        cause[m] = pick(rng, opts, int(m.sum()))
    t["loss_cause"] = cause
    amount = rng.integers(50_000, 3_000_000, n)
    t["loss_description"] = _descriptions(rng, claimant.name, claimant.mobile, cause, addresses,
                                          amount // 100)
    t["claim_amount"] = money(amount)
    status = np.where(day > 1, "报案", pick(rng, ("报案", "立案", "结案", "拒赔", "注销"), n,
                                            [0.15, 0.25, 0.5, 0.05, 0.05])).astype(object)
    paid = (amount * rng.uniform(0.5, 1.0, n)).astype(np.int64)
    closed = report + rng.integers(3, 60, n).astype("m8[D]") + seconds_in_day(rng, n)
    closed = np.minimum(closed, first.astype("M8[s]") - np.timedelta64(1, "h"))
    closed = np.maximum(closed, report + np.timedelta64(1, "h"))
    t["_paid"] = np.where(status == "结案", paid, 0)
    t["status"] = status
    t["paid_amount"] = np.where(status == "结案", money(paid), "").astype(object)
    done = np.isin(status, ("结案", "拒赔", "注销"))
    t["closed_time"] = np.where(done, ts_claims(closed), "").astype(object)
    t["_closed_day"] = np.where(status == "结案", day, 0)
    t["_closed_at"] = closed.astype("M8[D]")
    put_mention(t, "claimant", claimant)
    versions = [t]
    cur = status.copy()
    for d in range(2, ctx.days + 1):
        move = np.isin(cur, ("报案", "立案")) & (day < d) & (rng.random(n) < 0.35)
        if not move.any():
            continue
        sel = np.flatnonzero(move)
        u = take(t, sel)
        nxt = np.array([STATUS_FLOW[s] for s in cur[sel]], dtype=object)
        nxt[(nxt == "结案") & (rng.random(len(sel)) < 0.1)] = "拒赔"
        when = ctx.day_date(d).astype("M8[s]") - np.timedelta64(1, "D") + seconds_in_day(
            rng, len(sel))
        u["status"] = nxt
        u["paid_amount"] = np.where(nxt == "结案", money(paid[sel]), "").astype(object)
        u["closed_time"] = np.where(np.isin(nxt, ("结案", "拒赔")), ts_claims(when), "")
        u["closed_time"] = u["closed_time"].astype(object)
        u["_paid"] = np.where(nxt == "结案", paid[sel], 0)
        u["_closed_day"] = np.where(nxt == "结案", d, 0)
        u["_closed_at"] = when.astype("M8[D]")
        u["_day"] = np.full(len(sel), d, dtype=np.int64)
        u["_op"] = np.full(len(sel), "U", dtype=object)
        cur[sel] = nxt
        versions.append(u)
    out = concat(versions)
    out["op"] = out["_op"]
    return out


# ---------------------------------------------------------------- finance
PAY_METHODS = ("CASH", "TRANSFER", "CARD", "WECHAT", "ALIPAY")


def receipts(rng: np.random.Generator, ctx: Context, ordinal: np.ndarray, policy_no: np.ndarray,
             payer: Mention, amount_fen: np.ndarray, eff: np.ndarray, day: np.ndarray) -> Table:
    n = len(ordinal)
    t = new_table(n)
    t["_day"] = day
    t["receipt_no"] = ids.opaque_keys("R", ordinal, salt=505)
    t["policy_no"] = policy_no
    _payment_party(rng, t, "payer", payer)
    t["amount_fen"] = amount_fen.astype(str).astype(object)
    t["pay_date"] = d_ymd(np.minimum(eff - rng.integers(0, 8, n).astype("m8[D]"),
                                     ctx.day_date(1) + (day - 1).astype("m8[D]")))
    t["pay_method"] = pick(rng, PAY_METHODS, n, [0.05, 0.35, 0.2, 0.25, 0.15])
    put_mention(t, "payer", payer)
    return t


def _payment_party(rng: np.random.Generator, t: Table, prefix: str, m: Mention) -> None:
    n = len(m)
    t[f"{prefix}_name"] = m.name
    t[f"{prefix}_id_type"] = code_map(m.id_type, CORE_ID)
    t[f"{prefix}_id_no"] = m.id_no
    t[f"{prefix}_account_no"] = ids.bank_accounts(rng, n)
    t[f"{prefix}_bank"] = nm.BANKS[rng.integers(0, len(nm.BANKS), n)]


def payouts(rng: np.random.Generator, ctx: Context, claim_versions: Table, payee: Mention,
            ordinal_base: np.ndarray) -> Table:
    """One payout per claim version that closes with a paid amount, sent that day."""
    sel = np.flatnonzero(claim_versions["_closed_day"] > 0)
    n = len(sel)
    t = new_table(n)
    t["_day"] = claim_versions["_closed_day"][sel]
    t["payout_no"] = ids.opaque_keys("PO", ordinal_base[sel], salt=606)
    t["claim_no"] = claim_versions["claim_no"][sel]
    m = _take_mention(payee, sel)
    _payment_party(rng, t, "payee", m)
    t["amount_fen"] = claim_versions["_paid"][sel].astype(str).astype(object)
    today = ctx.day_date(1) + (t["_day"] - 1).astype("m8[D]")
    closed = claim_versions["_closed_at"][sel]
    t["pay_date"] = d_ymd(np.minimum(closed + rng.integers(0, 6, n).astype("m8[D]"), today))
    put_mention(t, "payee", m)
    return t


def _take_mention(m: Mention, idx: np.ndarray) -> Mention:
    return Mention(*(getattr(m, f)[idx] for f in Mention.__dataclass_fields__))


# ---------------------------------------------------------------- telesales
CAMPAIGNS = ("车险续保2026Q4", "AUTO_RENEWAL", "健康险推广", "意外险赠险", "家财险促销",
             "老客户回访")
EVENT_TYPES = ("CONSULT", "COMPLAINT", "REVISIT", "OUTBOUND", "INBOUND")
OUTCOMES = ("CONNECTED", "NO_ANSWER", "REFUSED", "SOLD", "RESOLVED", "ESCALATED")
NOTES = ("客户咨询车险续保价格", '客户说"已经在别家买了"，不要再打', "未接通",
         "投诉理赔进度慢,\n要求回电", "客户同意加微信，发送报价", "", "回访满意度：满意",
         "客户称号码已换，新号见备注")


def leads(rng: np.random.Generator, ctx: Context, p: Persons, idx: np.ndarray,
          dup: np.ndarray, day: np.ndarray) -> Table:
    n = len(idx)
    m = person_mentions(rng, p, idx, agent=False)
    py = rng.random(n) < rates.PINYIN_RATE
    name = m.name.copy()
    name[py] = nm.pinyin_forms(rng, p.names, idx[py])
    m.dirt[py] |= dirt.DIRT["pinyin"]
    m.dirt[dup] |= dirt.DIRT["dup_in_system"]
    t = new_table(n)
    t["_day"] = day
    t["lead_id"] = ids.opaque_keys("L", p.gid[idx] * 4 + dup, salt=707)
    t["name"] = name
    t["mobile"] = m.mobile
    g = np.where(m.gender == "M", "male", np.where(m.gender == "F", "female", "")).astype(object)
    g[rng.random(n) < 0.1] = ""
    t["gender"] = g
    by = (p.birth_year[idx]).astype(str).astype(object)
    by[rng.random(n) < 0.3] = ""
    t["birth_year"] = by
    city = addr.CITY[p.area[idx]].copy()
    short = rng.random(n) < 0.4
    city[short] = addr.CITY_SHORT[p.area[idx][short]]
    city[rng.random(n) < 0.1] = ""
    t["city"] = city
    t["campaign"] = pick(rng, CAMPAIGNS, n)
    t["consent_marketing"] = np.where(rng.random(n) < 0.6, "true", "false").astype(object)
    t["do_not_call"] = np.where(rng.random(n) < 0.05, "true", "false").astype(object)
    t["assigned_seat"] = "S" + ids.zpad(rng.integers(1, 300, n), 3)
    first = ctx.day_date(1).astype("M8[s]")
    created = np.where(day > 1, (ctx.day_date(1) + (day - 2).astype("m8[D]")).astype("M8[s]"),
                       first - rng.integers(1, 700, n).astype("m8[D]")) + seconds_in_day(rng, n)
    t["created_at"] = ts_iso(created)
    upd = np.minimum(created + rng.integers(0, 200, n).astype("m8[D]"),
                     first - np.timedelta64(1, "h") + (day - 1).astype("m8[D]"))
    t["updated_at"] = ts_iso(np.maximum(upd, created))
    put_mention(t, "lead", m)
    return t


def _lead_mutator(ctx: Context):
    def mutate(u: Table, rng: np.random.Generator, day: int) -> Table:
        n = n_rows(u)
        when = ctx.day_date(day).astype("M8[s]") - np.timedelta64(1, "D") + seconds_in_day(rng, n)
        u["updated_at"] = ts_iso(when)
        change = rng.random(n) < rates.CHANGED_MOBILE_RATE / rates.UPDATE_RATE
        u["mobile"] = u["mobile"].copy()
        u["mobile"][change] = ids.mobiles(rng, int(change.sum()))
        u["_dirt:lead"] = u["_dirt:lead"].copy()
        u["_dirt:lead"][change] &= ~dirt.MOBILE_DIRT
        still_fw = np.array([any(ord(c) >= 0xFF01 for c in v) for v in u.get("id_no", u["name"])])
        u["_dirt:lead"][change & ~still_fw] &= ~dirt.DIRT["fullwidth"]
        u["_dirt:lead"][change] |= dirt.DIRT["changed_mobile"]
        u["_traps:lead"] = u["_traps:lead"].copy()
        u["_traps:lead"][change] &= ~dirt.MOBILE_TRAPS
        u["do_not_call"] = np.where(~change, "true", u["do_not_call"]).astype(object)
        return u
    return mutate


def contact_events(rng: np.random.Generator, ctx: Context, lead_tab: Table,
                   ordinal_base: int) -> Table:
    base = lead_tab
    nl = n_rows(base)
    k = rng.poisson(rates.EVENTS_PER_LEAD, nl)
    src = np.repeat(np.arange(nl), k)
    n_known = len(src)
    n_unknown = int(n_known * rates.UNKNOWN_CALLER_RATE)
    n = n_known + n_unknown
    t = new_table(n)
    day = np.ones(n, dtype=np.int64)
    if ctx.days > 1:
        day = rng.integers(1, ctx.days + 1, n)
    day[:n_known] = np.maximum(day[:n_known], base["_day"][src])
    t["_day"] = day
    t["event_id"] = ids.opaque_keys("E", ordinal_base + np.arange(n), salt=808)
    lead_id = np.concatenate([base["lead_id"][src], np.full(n_unknown, "", dtype=object)])
    mob = np.concatenate([base["mobile"][src], ids.mobiles(rng, n_unknown)])
    fmt = rng.random(n) < 0.3
    mob[fmt & (mob != "")] = dirt.format_mobiles(rng, mob[fmt & (mob != "")])
    t["lead_id"] = lead_id
    t["mobile"] = mob
    t["event_type"] = pick(rng, EVENT_TYPES, n)
    t["channel"] = pick(rng, ("PHONE", "WECHAT", "WEB"), n, [0.75, 0.15, 0.1])
    first = ctx.day_date(1).astype("M8[s]")
    when = first + (day - 1).astype("m8[D]") - np.where(
        day == 1, rng.integers(1, 400, n), 1).astype("m8[D]") + seconds_in_day(rng, n)
    t["occurred_at"] = ts_iso(when)
    t["outcome"] = pick(rng, OUTCOMES, n)
    t["seat_id"] = "S" + ids.zpad(rng.integers(1, 300, n), 3)
    t["note"] = pick(rng, NOTES, n)
    return t


# ---------------------------------------------------------------- blocks
def person_block(ctx: Context, p: Persons, orgs: Orgs, chunk: int) -> dict[str, Table]:
    rng = rng_for(ctx.seed, 3, chunk)
    n = len(p)
    arrive = arrival_days(rng, ctx, n, rates.LATE_ARRIVAL_RATE)
    has_core = rng.random(n) < rates.CORE_CUSTOMER_RATE
    has_dup = has_core & (rng.random(n) < rates.CORE_DUPLICATE_RATE)
    # -- core.customer
    prim = np.flatnonzero(has_core)
    dupi = np.flatnonzero(has_dup)
    cidx = np.concatenate([prim, dupi])
    cdup = np.concatenate([np.zeros(len(prim), np.int64), np.ones(len(dupi), np.int64)])
    cday = arrive[cidx].copy()
    cday[len(prim):] = np.maximum(cday[len(prim):], arrival_days(rng, ctx, len(dupi), 0.2))
    cust = core_customers_persons(rng, ctx, p, cidx, cdup, cday)
    prim_cust = np.full(n, "", dtype=object)
    prim_cust[prim] = cust["cust_no"][: len(prim)]
    dup_cust = np.full(n, "", dtype=object)
    dup_cust[dupi] = cust["cust_no"][len(prim):]
    holder_cust = prim_cust.copy()
    alt = has_dup & (rng.random(n) < 0.3)
    holder_cust[alt] = dup_cust[alt]
    dup_day = np.zeros(n, np.int64)
    dup_day[dupi] = cday[len(prim):]
    cust_day = np.where(alt, np.maximum(arrive, dup_day), arrive)
    # -- core.policy: AUTO chains with renewals, other lines
    first = ctx.day_date(1)
    auto = np.flatnonzero(has_core & (rng.random(n) < rates.AUTO_RATE))
    L = rng.choice([1, 2, 3], size=len(auto), p=[0.5, 0.3, 0.2])
    expiring = (rng.random(len(auto)) < rates.AUTO_EXPIRING_RATE) & (ctx.days > 1)
    j = rng.integers(1, max(ctx.days, 2), len(auto))
    back = rng.integers(0, max(1, 365 - ctx.days), len(auto))
    eff_cur = np.where(expiring, first - np.timedelta64(365, "D") + j.astype("m8[D]"),
                       first - back.astype("m8[D]"))
    plate = addr.vehicle_plates(rng, p.area[auto])
    rep = np.repeat(np.arange(len(auto)), L)
    pos = np.arange(len(rep)) - np.repeat(np.cumsum(L) - L, L)
    last = pos == L[rep] - 1
    a_holder = auto[rep]
    a_eff = eff_cur[rep] - ((L[rep] - 1 - pos) * 365).astype("m8[D]")
    a_status = np.where(last, "1", "4").astype(object)
    a_day = cust_day[a_holder]
    renew_day = np.where(last & expiring[rep], j[rep] + 1, 0)
    renewing = (renew_day > 0) & (rng.random(len(rep)) < 0.8)
    r_holder = a_holder[renewing]
    other = np.flatnonzero(has_core & (rng.random(n) < rates.OTHER_POLICY_RATE))
    o_line = pick(rng, ("ACCIDENT", "HEALTH", "PROPERTY"), len(other), [0.45, 0.35, 0.2])
    o_eff = first - rng.integers(0, 364, len(other)).astype("m8[D]")
    sp = p.spouse[other]
    ins_sp = (sp != NO) & (rng.random(len(other)) < 0.3)
    ins_sp &= has_core[np.maximum(sp, 0)] & np.isin(o_line, ("ACCIDENT", "HEALTH"))
    o_ins = np.where(ins_sp, sp, other)
    hold = np.concatenate([a_holder, r_holder, other])
    insd = np.concatenate([a_holder, r_holder, o_ins])
    line = np.concatenate([np.full(len(rep) + len(r_holder), "AUTO", dtype=object), o_line])
    eff = np.concatenate([a_eff, a_eff[renewing] + np.timedelta64(365, "D"), o_eff])
    status = np.concatenate([a_status, np.full(len(r_holder), "1", dtype=object),
                             np.where(rng.random(len(other)) < 0.03, "3", "1").astype(object)])
    pday = np.concatenate([a_day, np.maximum(a_day[renewing], renew_day[renewing]),
                           cust_day[other]])
    pday = np.maximum(pday, np.where(insd != hold, cust_day[insd], 1))
    ordn = np.concatenate([p.gid[a_holder] * 16 + pos, p.gid[r_holder] * 16 + 3,
                           p.gid[other] * 16 + 4])
    pol = _policy_rows(rng, ctx, ordinal=ordn, line=line, holder_cust=holder_cust[hold],
                       insured_cust=prim_cust[insd], eff=eff, status=status,
                       agent=p.agent[hold], area=p.area[hold],
                       plate=np.concatenate([plate[rep], plate[rep][renewing],
                                             np.full(len(other), "", dtype=object)]),
                       day=pday)
    pol["_holder"] = hold
    pol["_insured"] = insd
    n_pol = n_rows(pol)
    expiry_u = _expiry_updates(ctx, take(pol, np.arange(len(rep))), renew_day)
    # -- finance.receipt: one per policy, payer = holder (sometimes the spouse)
    payer = hold.copy()
    sp_h = p.spouse[hold]
    by_spouse = (sp_h != NO) & (rng.random(n_pol) < rates.PAYER_OTHER_RATE)
    payer[by_spouse] = sp_h[by_spouse]
    rec = receipts(rng, ctx, ordn, pol["policy_no"], person_mentions(rng, p, payer, agent=False),
                   pol["_premium_fen"], pol["_eff"], pol["_day"])
    # -- uw.uw_case: one per selected person; linked to their main policy or a proposal
    base_current = np.flatnonzero(pol["status"] == "1")
    main = np.full(n, -1, dtype=np.int64)
    main[hold[base_current]] = base_current       # the last current policy per holder
    uw_p = np.flatnonzero(rng.random(n) < rates.UW_RATE)
    linked = (main[uw_p] >= 0) & (rng.random(len(uw_p)) >= rates.UW_PROPOSAL_RATE)
    pol_i = np.where(linked, main[uw_p], 0)
    uw_app = np.where(linked, pol["_holder"][pol_i], uw_p)
    sp_u = p.spouse[uw_p]
    uw_ins = np.where(linked, pol["_insured"][pol_i],
                      np.where((sp_u != NO) & (rng.random(len(uw_p)) < 0.3), sp_u, uw_p))
    uw_pol = np.where(linked, pol["policy_no"][pol_i], "").astype(object)
    uw_eff = np.where(linked, pol["_eff"][pol_i],
                      first - rng.integers(0, 300, len(uw_p)).astype("m8[D]"))
    uw_day = np.where(linked, pol["_day"][pol_i], arrive[uw_p])
    uw = uw_cases(rng, ctx, p.gid[uw_p] * 4, uw_pol, person_mentions(rng, p, uw_app),
                  person_mentions(rng, p, uw_ins, agent=False), uw_eff, uw_day)
    # -- claims.claim and finance.payout
    cl_p = np.flatnonzero((main >= 0) & (rng.random(n) < rates.CLAIM_RATE))
    cl_pol = main[cl_p]
    third = rng.random(len(cl_p)) < rates.CLAIM_THIRD_PARTY_RATE
    claimant = np.where(third, rng.integers(0, n, len(cl_p)), pol["_holder"][cl_pol])
    cm = person_mentions(rng, p, claimant, agent=False)
    reporter = np.where(rng.random(len(cl_p)) < 0.8, cm.name,
                        nm.random_person_names(rng, len(cl_p))).astype(object)
    rphone = p.mobile[claimant].copy()
    fmt = rng.random(len(cl_p)) < 0.5
    rphone[fmt] = dirt.format_mobiles(rng, rphone[fmt])
    other_caller = rng.random(len(cl_p)) < 0.15
    rphone[other_caller] = ids.mobiles(rng, int(other_caller.sum()))
    cl_day = np.maximum(pol["_day"][cl_pol], arrival_days(rng, ctx, len(cl_p), 0.03))
    cl_day = np.maximum(cl_day, arrive[claimant])
    cl = claims(rng, ctx, p.gid[cl_p] * 4, pol["policy_no"][cl_pol], pol["product_line"][cl_pol],
                pol["_eff"][cl_pol], cm, reporter, rphone, p.address[claimant], cl_day)
    pay = _payouts_for(rng, ctx, cl, p, orgs, claim_person=None)
    # -- telesales
    lp = (rng.random(n) < rates.LEAD_RATE) | ~has_core
    lidx = np.flatnonzero(lp)
    ldup_i = lidx[rng.random(len(lidx)) < rates.LEAD_DUPLICATE_RATE]
    l_all = np.concatenate([lidx, ldup_i])
    l_dup = np.concatenate([np.zeros(len(lidx), np.int64), np.ones(len(ldup_i), np.int64)])
    l_day = np.maximum(arrive[l_all], arrival_days(rng, ctx, len(l_all), 0.03))
    ld = leads(rng, ctx, p, l_all, l_dup, l_day)
    ev = contact_events(rng, ctx, ld, int(p.gid[0]) * 8 if n else 0)
    # -- history
    out = {
        "customer": with_history(cust, BY_NAME["core", "customer"], rng, ctx.days,
                                 _customer_mutator(ctx, p)),
        "policy": concat([with_history(pol, BY_NAME["core", "policy"], rng, ctx.days,
                                       _policy_mutator(ctx)), _conform_u(expiry_u, "policy")]),
        "uw_case": with_history(uw, BY_NAME["uw", "uw_case"], rng, ctx.days, _uw_mutator(ctx)),
        "claim": with_history(cl, BY_NAME["claims", "claim"], rng, ctx.days, None,
                              update_rate=0.0),
        "lead": with_history(ld, BY_NAME["telesales", "lead"], rng, ctx.days, _lead_mutator(ctx)),
        "contact_event": with_history(ev, BY_NAME["telesales", "contact_event"], rng, ctx.days,
                                      _touch("outcome", lambda d: "RESOLVED")),
        "receipt": with_history(rec, BY_NAME["finance", "receipt"], rng, ctx.days,
                                _touch("pay_method", lambda d: "TRANSFER")),
        "payout": with_history(pay, BY_NAME["finance", "payout"], rng, ctx.days, None,
                               update_rate=0.0),
    }
    return out


def _conform_u(t: Table, entity: str) -> Table:
    spec = BY_NAME[("core", entity)]
    for c in spec.columns:
        if c not in t:
            t[c] = np.full(n_rows(t), "", dtype=object)
    t["op"] = t["_op"]
    return t


def _payouts_for(rng: np.random.Generator, ctx: Context, cl: Table, p: Persons | None,
                 orgs: Orgs, claim_person: None) -> Table:
    """Payee = the claimant (same mention values re-sent), or a repair shop organization."""
    sel = np.flatnonzero(cl["_closed_day"] > 0)
    k = len(sel)
    garage = (rng.random(k) < 0.1) & (len(orgs) > 0)
    eid = cl["_eid:claimant"][sel].copy()
    m = Mention(eid, cl["_ptype:claimant"][sel].copy(), cl["claimant_name"][sel].copy(),
                _std_from_claims(cl["claimant_id_type"][sel]), cl["claimant_id_no"][sel].copy(),
                np.full(k, "", dtype=object), np.full(k, np.datetime64("NaT"), "M8[D]"),
                np.full(k, "", dtype=object), cl["_traps:claimant"][sel].copy(),
                cl["_dirt:claimant"][sel].copy())
    g = np.flatnonzero(garage)
    if len(g):
        om = org_mentions(rng, orgs, rng.integers(0, len(orgs), len(g)))
        for f in Mention.__dataclass_fields__:
            getattr(m, f)[g] = getattr(om, f)
    full = Mention(*(np.empty(n_rows(cl), dtype=getattr(m, f).dtype)
                     for f in Mention.__dataclass_fields__))
    for f in Mention.__dataclass_fields__:
        getattr(full, f)[sel] = getattr(m, f)
    ordinal = np.zeros(n_rows(cl), dtype=np.int64)
    ordinal[sel] = _claim_ordinal(cl["claim_no"][sel])
    return payouts(rng, ctx, cl, full, ordinal)


def _claim_ordinal(claim_no: np.ndarray) -> np.ndarray:
    return np.array([int(c[2:]) for c in claim_no], dtype=np.int64)


def _std_from_claims(values: np.ndarray) -> np.ndarray:
    inv = {v: k for k, v in CLAIMS_ID.items()}
    return np.array([inv.get(v, "RID") for v in values], dtype=object)


def org_block(ctx: Context, o: Orgs, persons: Persons | None) -> dict[str, Table]:
    rng = rng_for(ctx.seed, 4)
    m_ = len(o)
    arrive = arrival_days(rng, ctx, m_, rates.LATE_ARRIVAL_RATE)
    parents = o.parent != NO
    arrive[parents] = np.maximum(arrive[parents], arrive[o.parent[parents]])
    idx = np.arange(m_)
    mm = org_mentions(rng, o, idx)
    t = new_table(m_)
    t["_day"] = arrive
    cust_no = ids.opaque_keys("C", 500_000_000 + o.gid, salt=101)
    t["cust_no"] = cust_no
    t["cust_type"] = np.full(m_, "2", dtype=object)
    t["name"] = mm.name
    t["id_type"] = code_map(mm.id_type, CORE_ID)
    t["id_no"] = mm.id_no
    t["mobile"] = mm.mobile
    t["phone"] = o.phone
    t["province"] = addr.PROVINCE[o.area]
    t["city"] = addr.CITY[o.area]
    t["district"] = addr.DISTRICT[o.area]
    t["address"] = o.address
    t["postcode"] = addr.postcodes(rng, o.area)
    t["industry_code"] = pick(rng, INDUSTRY_CODES, m_)
    t["legal_rep"] = o.legal_rep
    t["parent_cust_no"] = np.where(parents, cust_no[np.maximum(o.parent, 0)], "").astype(object)
    t["agent_code"] = agent_codes(o.agent)
    created = ctx.day_date(1) - rng.integers(30, 20 * 365, m_).astype("m8[D]")
    t["created_date"] = d_ymd(created)
    t["updated_date"] = d_ymd(created)
    put_mention(t, "customer", mm)
    # policies
    first = ctx.day_date(1)
    holders = np.flatnonzero(rng.random(m_) < rates.ORG_POLICY_RATE)
    k = len(holders)
    line = pick(rng, ("PROPERTY", "LIABILITY", "CARGO", "AUTO"), k, [0.35, 0.3, 0.2, 0.15])
    eff = first - rng.integers(0, 364, k).astype("m8[D]")
    plate = np.where(line == "AUTO", addr.vehicle_plates(rng, o.area[holders]), "").astype(object)
    pol = _policy_rows(rng, ctx, ordinal=500_000_000 + o.gid[holders] * 16, line=line,
                       holder_cust=cust_no[holders], insured_cust=cust_no[holders], eff=eff,
                       status=np.full(k, "1", dtype=object), agent=o.agent[holders],
                       area=o.area[holders], plate=plate, day=arrive[holders])
    rec = receipts(rng, ctx, 500_000_000 + o.gid[holders] * 16, pol["policy_no"],
                   org_mentions(rng, o, holders), pol["_premium_fen"], pol["_eff"], pol["_day"])
    uw_sel = np.flatnonzero(rng.random(k) < 0.3)
    uw = uw_cases(rng, ctx, 500_000_000 + o.gid[holders[uw_sel]] * 4, pol["policy_no"][uw_sel],
                  org_mentions(rng, o, holders[uw_sel]), org_mentions(rng, o, holders[uw_sel]),
                  eff[uw_sel], pol["_day"][uw_sel])
    cl_sel = np.flatnonzero(rng.random(k) < 0.05)
    cm = org_mentions(rng, o, holders[cl_sel])
    rphone = addr.landlines(rng, o.area[holders[cl_sel]])
    cl = claims(rng, ctx, 500_000_000 + o.gid[holders[cl_sel]] * 4, pol["policy_no"][cl_sel],
                line[cl_sel], eff[cl_sel], cm, nm.random_person_names(rng, len(cl_sel)), rphone,
                o.address[holders[cl_sel]], pol["_day"][cl_sel])
    pay = _payouts_for(rng, ctx, cl, None, o, None)
    out = {
        "customer": with_history(t, BY_NAME["core", "customer"], rng, ctx.days,
                                 _customer_mutator(ctx, None)),
        "policy": with_history(pol, BY_NAME["core", "policy"], rng, ctx.days,
                               _policy_mutator(ctx)),
        "uw_case": with_history(uw, BY_NAME["uw", "uw_case"], rng, ctx.days, _uw_mutator(ctx)),
        "claim": with_history(cl, BY_NAME["claims", "claim"], rng, ctx.days, None,
                              update_rate=0.0),
        "receipt": with_history(rec, BY_NAME["finance", "receipt"], rng, ctx.days,
                                _touch("pay_method", lambda d: "TRANSFER")),
        "payout": with_history(pay, BY_NAME["finance", "payout"], rng, ctx.days, None,
                               update_rate=0.0),
    }
    # D rows for keys that never existed: a couple per entity and DELTA day.
    for day in range(2, ctx.days + 1):
        for ent, spec in (("customer", BY_NAME["core", "customer"]),
                          ("policy", BY_NAME["core", "policy"]),
                          ("claim", BY_NAME["claims", "claim"]),
                          ("receipt", BY_NAME["finance", "receipt"])):
            ordinal = 990_000_000 + day * 100 + np.arange(rates.DELETE_UNKNOWN_PER_FILE)
            prefix = {"customer": "C", "policy": "PDAA2026", "claim": "CL", "receipt": "R"}[ent]
            roles = [r for s, e, r in _ROLES if e == spec.entity]
            salt = {"customer": 101, "policy": 202, "claim": 404, "receipt": 505}[ent]
            keys = ids.opaque_keys(prefix, ordinal, salt=salt)
            out[ent] = concat([out[ent], _align(unknown_deletes(spec, keys, day, roles), out[ent])])
    return out


def _align(t: Table, like: Table) -> Table:
    """Give `t` every column of `like` (hidden ones default to empty/zero)."""
    n = n_rows(t)
    if not like:
        return t
    for c, v in like.items():
        if c not in t:
            t[c] = np.zeros(n, dtype=v.dtype) if v.dtype != object else np.full(n, "", object)
    return {c: t[c] for c in like}


from ecif.extract_spec import PARTY_ROLES as _ROLES  # noqa: E402
