"""Rows of the five systems for the true population, in each system's own codes and
formats (spec §5). Each party mention is smudged independently (smudge.py)."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from faker import Faker

from benchmarks.independent import smudge
from benchmarks.independent.book import Book, Party, Version
from benchmarks.independent.codes import BY_SYSTEM
from benchmarks.independent.people import Org, Person

ARRIVE_LATE_RATE = 0.03       # parties first sent on a DELTA day
CORE_RATE = 0.95
CORE_DUP_RATE = 0.04
POLICIES_MEAN = 1.3
UW_RATE = 0.35
UW_PROPOSAL_RATE = 0.1
CLAIM_RATE = 0.12
CLAIM_OTHER_CLAIMANT_RATE = 0.1
LEAD_RATE = 0.35
LEAD_DUP_RATE = 0.06
PINYIN_RATE = 0.3
PAID_BY_SPOUSE_RATE = 0.1
GARAGE_PAYEE_RATE = 0.1
BIRTH_MISSING_RATE = 0.02
GENDER_MISSING_RATE = 0.04
PERSON_LINES = (("AUTO", 0.55), ("ACCIDENT", 0.2), ("HEALTH", 0.15), ("PROPERTY", 0.1))
PLATE_PROVINCES = "京沪粤苏浙鲁川鄂湘豫冀闽皖辽陕"
BANKS = ("中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "交通银行", "招商银行",
         "浦发银行", "兴业银行", "中国邮政储蓄银行", "平安银行")
CAUSES = ("追尾", "倒车碰撞", "冰雹砸车", "台风", "管道渗漏", "骨折住院", "货损", "第三者受伤")
NOTE_TEMPLATES = ("来电人{name}称{cause}，联系电话{mobile}",
                  "{cause}, 现场照片已上传；客户说\"尽快处理\"",
                  "被保险人{name}于{when}发生{cause}\n需补交：身份证复印件, 银行卡", "{cause}")


@dataclass
class Ctx:
    fake: Faker
    rng: random.Random
    start: date
    days: int
    people: list[Person]
    orgs: list[Org]
    agent_mobiles: list[str]
    book: Book
    dirt: smudge.Dirt

    def day_date(self, day: int) -> date:
        return self.start + timedelta(days=day - 1)


@dataclass
class View:
    """One party as one row names it."""
    name: str
    id_type: str
    id_no: str
    gender: str       # M / F / ''
    birth: date | None
    mobile: str
    party: Party


def person_view(ctx: Ctx, p: Person, agent_keyed: bool) -> View:
    rng = ctx.rng
    name, dirt = smudge.name(rng, p.name, ctx.dirt)
    id_type, id_no, d2, traps = smudge.id_number(rng, p.id_no, p.id_type, p.birth.year < 1980,
                                                 ctx.dirt)
    mobile, d3, t3 = smudge.mobile(rng, p.mobile,
                                   ctx.agent_mobiles[p.agent] if agent_keyed else None, ctx.dirt)
    gender = p.gender
    if rng.random() < ctx.dirt(GENDER_MISSING_RATE):
        gender, dirt = "", dirt | {"missing_gender"}
    birth = None if rng.random() < ctx.dirt(BIRTH_MISSING_RATE) else p.birth
    return View(name, id_type, id_no, gender, birth, mobile,
                Party(p.eid, "P", p.traps | traps | t3, dirt | d2 | d3))


def org_view(ctx: Ctx, o: Org) -> View:
    name, dirt = smudge.name(ctx.rng, o.name, ctx.dirt)
    if ctx.rng.random() < 0.03:                       # half-width brackets
        name = name.replace("（", "(").replace("）", ")")
    id_type, id_no, d2, traps = smudge.org_id(ctx.rng, o.uscc, o.org_code, o.brn, ctx.dirt)
    mobile, d3, t3 = smudge.mobile(ctx.rng, o.mobile, None, ctx.dirt)
    return View(name, id_type, id_no, "", None, mobile,
                Party(o.eid, "O", o.traps | traps | t3, dirt | d2 | d3))


def _key(prefix: str, i: int, salt: int) -> str:
    # A bijection of 0..10^9-1, so keys are unique and do not reveal the person order.
    return f"{prefix}{(i * 104_729 + salt) % 10**9:09d}"


def _ymd(d: date | None) -> str:
    return d.strftime("%Y%m%d") if d else ""


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def later(ctx: Ctx, day: int) -> int:
    if ctx.days > 1 and ctx.rng.random() < ARRIVE_LATE_RATE:
        return max(day, ctx.rng.randint(2, ctx.days))
    return day


class Keys:
    def __init__(self) -> None:
        self.n: dict[str, int] = {}

    def next(self, prefix: str, salt: int) -> str:
        i = self.n.get(prefix, 0)
        self.n[prefix] = i + 1
        return _key(prefix, i, salt)


# ---------------------------------------------------------------- core
def customer_row(ctx: Ctx, key: str, v: View, p: Person | None, o: Org | None,
                 day: int, parent_key: str = "") -> dict:
    rng = ctx.rng
    gender = {"M": "1", "F": "2"}.get(v.gender, rng.choice("09")) if p else ""
    created = ctx.day_date(day) - timedelta(days=rng.randrange(0, 4000) if day == 1 else 0)
    place = p or o
    return {
        "cust_no": key, "cust_type": "1" if p else "2", "name": v.name,
        "id_type": BY_SYSTEM["core"][v.id_type], "id_no": v.id_no, "gender": gender,
        "birth_date": _ymd(v.birth), "mobile": v.mobile,
        "phone": o.phone if o else (f"0{rng.randrange(10, 999)}-{rng.randrange(10**6, 10**8)}"
                                    if rng.random() < 0.15 else ""),
        "email": ctx.fake.free_email() if p and rng.random() < 0.25 else "",
        "province": place.province, "city": place.city,
        "district": p.district if p else "", "address": p.street if p else o.address,
        "postcode": p.postcode if p else "",
        "occupation_code": f"{rng.randrange(1, 9)}0{rng.randrange(10, 99)}" if p else "",
        "industry_code": "" if p else rng.choice(("C13", "F51", "G54", "I64", "K70", "E47")),
        "legal_rep": o.legal_rep if o else "", "parent_cust_no": parent_key,
        "agent_code": f"A{place.agent:05d}", "created_date": _ymd(created),
        "updated_date": _ymd(created), "op": "I",
    }


def mutate_customer(ctx: Ctx):
    def mutate(rng: random.Random, last: Version, day: int) -> Version:
        row = dict(last.row, updated_date=_ymd(ctx.day_date(day)), op="U")
        parties = dict(last.parties)
        if rng.random() < 0.4 and parties:
            # A new mobile: the old mobile's labels no longer describe the row.
            row["mobile"] = ctx.fake.phone_number()
            old = parties["customer"]
            parties["customer"] = replace(
                old, traps=old.traps - {"placeholder_mobile", "agent_mobile"},
                dirt=(old.dirt - {"missing_mobile", "phone_format", "transposed_mobile"})
                | {"changed_mobile"})
        else:
            row["address"] = ctx.fake.street_address()
        return Version(day, "U", row, parties)
    return mutate


def policy_row(ctx: Ctx, key: str, line: str, holder: str, insured: str, agent: int,
               day: int) -> dict:
    rng = ctx.rng
    eff = ctx.day_date(1) - timedelta(days=rng.randrange(0, 360))
    premium = rng.randrange(20_000, 900_000) if line != "CARGO" else rng.randrange(10**5, 10**7)
    plate = ""
    if line == "AUTO":
        plate = (rng.choice(PLATE_PROVINCES) + rng.choice("ABCDEFGH")
                 + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(5)))
    return {
        "policy_no": key, "product_code": f"{line[:2]}{rng.randrange(1, 40):03d}",
        "product_line": line, "holder_cust_no": holder, "insured_cust_no": insured,
        "effective_date": _ymd(eff), "expiry_date": _ymd(eff + timedelta(days=364)),
        "premium": f"{premium / 100:.2f}", "sum_insured": f"{rng.randrange(5, 500) * 10000}.00",
        "status": "1", "channel": rng.choice(("AGENT", "AGENT", "BROKER", "TELESALES", "ONLINE",
                                              "BANK")),
        "agent_code": f"A{agent:05d}", "branch_code": f"B{rng.randrange(1, 36):02d}00",
        "vehicle_plate": plate, "updated_date": _ymd(ctx.day_date(day)), "op": "I",
        "_premium_fen": premium, "_eff": eff,
    }


def mutate_policy(ctx: Ctx):
    def mutate(rng: random.Random, last: Version, day: int) -> Version:
        row = dict(last.row, status=rng.choice("235"), updated_date=_ymd(ctx.day_date(day)),
                   op="U")
        return Version(day, "U", row, last.parties)
    return mutate


# ---------------------------------------------------------------- uw
def uw_row(ctx: Ctx, key: str, policy_no: str, app: View, ins: View, is_person: bool) -> dict:
    rng = ctx.rng
    codes = BY_SYSTEM["uw"]
    row = {"case_id": key, "policy_no": policy_no}
    for role, v in (("applicant", app), ("insured", ins)):
        row[f"{role}_name"] = v.name
        row[f"{role}_id_type"] = codes[v.id_type]
        row[f"{role}_id_no"] = v.id_no
        row[f"{role}_gender"] = (v.gender or "U") if is_person else ""
        row[f"{role}_birth_date"] = _iso(v.birth)
    row |= {"applicant_mobile": app.mobile, "risk_class": rng.choice("AAABBCDE"),
            "decision": rng.choice(("ACCEPT",) * 8 + ("RATED", "POSTPONE", "DECLINE")),
            "decision_date": _iso(ctx.day_date(1) - timedelta(days=rng.randrange(1, 400))),
            "underwriter_id": f"U{rng.randrange(1, 120):03d}", "op": "I"}
    return row


def mutate_uw(ctx: Ctx):
    def mutate(rng: random.Random, last: Version, day: int) -> Version:
        row = dict(last.row, decision=rng.choice(("RATED", "POSTPONE", "DECLINE", "ACCEPT")),
                   decision_date=_iso(ctx.day_date(day)), op="U")
        return Version(day, "U", row, last.parties)
    return mutate


# ---------------------------------------------------------------- claims
def _claims_ts(t: datetime) -> str:
    return t.strftime("%Y/%m/%d %H:%M:%S")


def claim_row(ctx: Ctx, key: str, policy_no: str, v: View, reporter: str, phone: str,
              day: int) -> dict:
    rng = ctx.rng
    report = datetime.combine(ctx.day_date(day) - timedelta(days=rng.randrange(1, 200) if day == 1
                                                            else 1),
                              datetime.min.time()) + timedelta(seconds=rng.randrange(86400))
    cause = rng.choice(CAUSES)
    amount = rng.randrange(30_000, 5_000_000)
    status = rng.choice(("报案", "立案", "立案", "结案", "结案", "结案", "拒赔", "注销")) \
        if day == 1 else "报案"
    note = rng.choice(NOTE_TEMPLATES).format(name=v.name.strip(), cause=cause,
                                             mobile=v.mobile or "无", when=f"{report:%m月%d日}")
    closed = report + timedelta(days=rng.randrange(2, 40))
    return {
        "claim_no": key, "policy_no": policy_no, "report_time": _claims_ts(report),
        "report_phone": phone, "reporter_name": reporter, "claimant_name": v.name,
        "claimant_id_type": BY_SYSTEM["claims"][v.id_type], "claimant_id_no": v.id_no,
        "claimant_gender": {"M": "男", "F": "女"}.get(v.gender, ""),
        "claimant_mobile": v.mobile, "loss_date": f"{report:%Y/%m/%d}", "loss_cause": cause,
        "loss_description": note, "claim_amount": f"{amount / 100:.2f}",
        "paid_amount": f"{amount * 0.8 / 100:.2f}" if status == "结案" else "",
        "status": status,
        "closed_time": _claims_ts(closed) if status in ("结案", "拒赔", "注销") else "",
        "op": "I", "_amount": amount,
    }


def mutate_claim(ctx: Ctx):
    step = {"报案": "立案", "立案": "结案", "结案": "结案", "拒赔": "拒赔", "注销": "注销"}

    def mutate(rng: random.Random, last: Version, day: int) -> Version:
        status = step[last.row["status"]]
        row = dict(last.row, status=status, op="U")
        if status == "结案":
            row["paid_amount"] = f"{last.row['_amount'] * 0.9 / 100:.2f}"
            row["closed_time"] = _claims_ts(datetime.combine(ctx.day_date(day),
                                                             datetime.min.time()))
        return Version(day, "U", row, last.parties)
    return mutate


# ---------------------------------------------------------------- telesales
def _ts(ctx: Ctx, day: int, back_days: int) -> str:
    t = datetime.combine(ctx.day_date(day) - timedelta(days=back_days), datetime.min.time())
    t += timedelta(seconds=ctx.rng.randrange(8 * 3600, 22 * 3600))
    return t.isoformat() + "+08:00"


def lead_row(ctx: Ctx, key: str, p: Person, v: View, day: int) -> dict:
    rng = ctx.rng
    name = v.name
    if rng.random() < ctx.dirt(PINYIN_RATE):
        name = smudge.romanized(rng, p.surname, p.given)
        v.party.dirt = (v.party.dirt - {"homophone", "stray_space"}) | {"pinyin"}
    created = _ts(ctx, day, rng.randrange(1, 500) if day == 1 else 1)
    return {
        "lead_id": key, "name": name, "mobile": v.mobile or None,
        "gender": {"M": "male", "F": "female"}.get(v.gender),
        "birth_year": v.birth.year if v.birth and rng.random() < 0.6 else None,
        "city": p.city if rng.random() < 0.8 else None,
        "campaign": rng.choice(("双十一车险", "老带新", "百万医疗", "驾意险赠送", None)),
        "consent_marketing": rng.random() < 0.55, "do_not_call": rng.random() < 0.04,
        "assigned_seat": f"T{rng.randrange(1, 200):03d}", "created_at": created,
        "updated_at": created, "op": "I",
    }


def mutate_lead(ctx: Ctx):
    def mutate(rng: random.Random, last: Version, day: int) -> Version:
        row = dict(last.row, updated_at=_ts(ctx, day, 1), op="U", do_not_call=True)
        return Version(day, "U", row, last.parties)
    return mutate


def event_row(ctx: Ctx, key: str, lead_id: str | None, mobile: str | None, day: int) -> dict:
    rng = ctx.rng
    return {
        "event_id": key, "lead_id": lead_id, "mobile": mobile,
        "event_type": rng.choice(("CONSULT", "COMPLAINT", "REVISIT", "OUTBOUND", "INBOUND")),
        "channel": rng.choice(("PHONE", "PHONE", "WECHAT", "WEB")),
        "occurred_at": _ts(ctx, day, rng.randrange(0, 90) if day == 1 else 1),
        "outcome": rng.choice(("CONNECTED", "NO_ANSWER", "REFUSED", "SOLD", "RESOLVED",
                               "ESCALATED")),
        "seat_id": f"T{rng.randrange(1, 200):03d}",
        "note": rng.choice(("", "客户要求发报价到微信", "空号", "已转理赔部门, 待回电", None)),
        "op": "I",
    }


def mutate_event(ctx: Ctx):
    def mutate(rng: random.Random, last: Version, day: int) -> Version:
        return Version(day, "U", dict(last.row, outcome="RESOLVED", op="U"), last.parties)
    return mutate


# ---------------------------------------------------------------- finance
def payment_row(ctx: Ctx, prefix: str, key_col: str, key: str, ref_col: str, ref: str,
                v: View, amount_fen: int, when: date) -> dict:
    rng = ctx.rng
    return {
        key_col: key, ref_col: ref, f"{prefix}_name": v.name,
        f"{prefix}_id_type": BY_SYSTEM["finance"][v.id_type], f"{prefix}_id_no": v.id_no,
        f"{prefix}_account_no": "62" + "".join(rng.choice("0123456789")
                                               for _ in range(rng.choice((14, 17)))),
        f"{prefix}_bank": rng.choice(BANKS), "amount_fen": str(amount_fen),
        "pay_date": _ymd(when), "op": "I",
    }


def mutate_payment(ctx: Ctx):
    def mutate(rng: random.Random, last: Version, day: int) -> Version:
        row = dict(last.row, op="U")
        if "pay_method" in row:
            row["pay_method"] = rng.choice(("TRANSFER", "CARD", "WECHAT", "ALIPAY"))
        else:
            row["pay_date"] = _ymd(ctx.day_date(day))
        return Version(day, "U", row, last.parties)
    return mutate
