"""Which rows each true party gets in which system, and on which business day."""

from __future__ import annotations

from benchmarks.independent import sources as src
from benchmarks.independent.people import Org, Person
from benchmarks.independent.sources import Ctx, Keys, View

EVENTS_MEAN = 1.2
UNKNOWN_CALLER_RATE = 0.08
ORG_POLICY_RATE = 0.85
ORG_UW_RATE = 0.25
ORG_CLAIM_RATE = 0.06


def _line(ctx: Ctx) -> str:
    r, acc = ctx.rng.random(), 0.0
    for line, p in src.PERSON_LINES:
        acc += p
        if r < acc:
            return line
    return "AUTO"


def _count(ctx: Ctx, mean: float) -> int:
    """Small geometric count with the given mean (capped at 6)."""
    n, p = 0, mean / (1 + mean)
    while ctx.rng.random() < p and n < 6:
        n += 1
    return n


def _receipt(ctx: Ctx, keys: Keys, policy: dict, v: View, day: int) -> None:
    key = keys.next("R", 37)
    row = src.payment_row(ctx, "payer", "receipt_no", key, "policy_no", policy["policy_no"], v,
                          policy["_premium_fen"], policy["_eff"])
    row["pay_method"] = ctx.rng.choice(("CASH", "TRANSFER", "CARD", "WECHAT", "ALIPAY"))
    ctx.book.add("finance", "receipt", key, day, row, {"payer": v.party})


def _claim(ctx: Ctx, keys: Keys, policy: dict, v: View, caller: str, reporter: str,
           day: int, garage: Org | None) -> None:
    key = keys.next("CL", 41)
    row = src.claim_row(ctx, key, policy["policy_no"], v, reporter, caller, day)
    ctx.book.add("claims", "claim", key, day, row, {"claimant": v.party})
    if row["status"] != "结案":
        return
    # The payee is a repair shop, or the claimant again (a fresh mention of the same party).
    party = garage or _party_of(ctx, v)
    payee = (src.org_view(ctx, party) if isinstance(party, Org)
             else src.person_view(ctx, party, False))
    pkey = keys.next("PO", 43)
    prow = src.payment_row(ctx, "payee", "payout_no", pkey, "claim_no", key, payee,
                           int(row["_amount"] * 0.8), policy["_eff"])
    ctx.book.add("finance", "payout", pkey, day, prow, {"payee": payee.party})


def _party_of(ctx: Ctx, v: View) -> Person | Org:
    idx = int(v.party.eid[2:])
    return ctx.people[idx] if v.party.ptype == "P" else ctx.orgs[idx]


def add_person(ctx: Ctx, keys: Keys, i: int, p: Person, cust_of: dict[int, str]) -> None:
    rng, book = ctx.rng, ctx.book
    day = src.later(ctx, 1)
    spouse = ctx.people[p.partner] if p.relation == "spouse_of" else None
    if rng.random() < src.CORE_RATE:
        for copy in range(2 if rng.random() < src.CORE_DUP_RATE else 1):
            key = keys.next("C", 11)
            v = src.person_view(ctx, p, agent_keyed=True)
            cday = day
            if copy:
                v.party.dirt.add("dup_in_system")
                cday = src.later(ctx, day)
            book.add("core", "customer", key, cday, src.customer_row(ctx, key, v, p, None, cday),
                     {"customer": v.party})
            cust_of.setdefault(i, key)
    policies = []
    if i in cust_of:
        for _ in range(_count(ctx, src.POLICIES_MEAN)):
            line = _line(ctx)
            insured = cust_of[i]
            if spouse and p.partner in cust_of and line in ("ACCIDENT", "HEALTH") \
                    and rng.random() < 0.3:
                insured = cust_of[p.partner]
            key = keys.next("PL", 23)
            pday = src.later(ctx, day)
            row = src.policy_row(ctx, key, line, cust_of[i], insured, p.agent, pday)
            book.add("core", "policy", key, pday, row)
            policies.append((row, pday))
            payer = spouse if spouse and rng.random() < src.PAID_BY_SPOUSE_RATE else p
            _receipt(ctx, keys, row, src.person_view(ctx, payer, False), pday)
    if rng.random() < src.UW_RATE and (policies or rng.random() < src.UW_PROPOSAL_RATE):
        policy_no, uday = "", day
        if policies:
            policy_no, uday = policies[0][0]["policy_no"], policies[0][1]
        insured = spouse if spouse and rng.random() < 0.25 else p
        key = keys.next("UW", 29)
        app = src.person_view(ctx, p, agent_keyed=True)
        ins = src.person_view(ctx, insured, agent_keyed=False)
        book.add("uw", "uw_case", key, uday, src.uw_row(ctx, key, policy_no, app, ins, True),
                 {"applicant": app.party, "insured": ins.party})
    if policies and rng.random() < src.CLAIM_RATE:
        policy, pday = policies[-1]
        claimant = p
        if rng.random() < src.CLAIM_OTHER_CLAIMANT_RATE:
            claimant = ctx.people[rng.randrange(len(ctx.people))]
        v = src.person_view(ctx, claimant, agent_keyed=False)
        caller = v.mobile if rng.random() < 0.7 else ctx.fake.phone_number()
        reporter = v.name if rng.random() < 0.8 else ctx.fake.name()
        garage = rng.choice(ctx.orgs) if ctx.orgs and rng.random() < src.GARAGE_PAYEE_RATE \
            else None
        _claim(ctx, keys, policy, v, caller, reporter, src.later(ctx, pday), garage)
    if rng.random() < src.LEAD_RATE or i not in cust_of:
        for copy in range(2 if rng.random() < src.LEAD_DUP_RATE else 1):
            key = keys.next("L", 31)
            v = src.person_view(ctx, p, agent_keyed=False)
            if copy:
                v.party.dirt.add("dup_in_system")
            lday = src.later(ctx, day)
            row = src.lead_row(ctx, key, p, v, lday)
            book.add("telesales", "lead", key, lday, row, {"lead": v.party})
            for _ in range(_count(ctx, EVENTS_MEAN)):
                eday = src.later(ctx, lday)
                ekey = keys.next("EV", 47)
                book.add("telesales", "contact_event", ekey, eday,
                         src.event_row(ctx, ekey, key, row["mobile"], eday))
    if rng.random() < UNKNOWN_CALLER_RATE:
        eday = src.later(ctx, 1)
        ekey = keys.next("EV", 47)
        book.add("telesales", "contact_event", ekey, eday,
                 src.event_row(ctx, ekey, None, ctx.fake.phone_number(), eday))


def add_org(ctx: Ctx, keys: Keys, o: Org, cust_of_org: dict[int, str]) -> None:
    rng, book = ctx.rng, ctx.book
    idx = int(o.eid[2:])
    day = src.later(ctx, 1)
    if o.parent is not None:
        day = max(day, book.entities["core", "customer"][cust_of_org[o.parent]][0].day)
    key = keys.next("C", 11)
    cust_of_org[idx] = key
    v = src.org_view(ctx, o)
    parent_key = cust_of_org[o.parent] if o.parent is not None else ""
    book.add("core", "customer", key, day,
             src.customer_row(ctx, key, v, None, o, day, parent_key), {"customer": v.party})
    if rng.random() >= ORG_POLICY_RATE:
        return
    pkey = keys.next("PL", 23)
    line = rng.choice(("PROPERTY", "LIABILITY", "CARGO", "AUTO"))
    policy = src.policy_row(ctx, pkey, line, key, key, o.agent, day)
    book.add("core", "policy", pkey, day, policy)
    _receipt(ctx, keys, policy, src.org_view(ctx, o), day)
    if rng.random() < ORG_UW_RATE:
        ukey = keys.next("UW", 29)
        app, ins = src.org_view(ctx, o), src.org_view(ctx, o)
        book.add("uw", "uw_case", ukey, day, src.uw_row(ctx, ukey, pkey, app, ins, False),
                 {"applicant": app.party, "insured": ins.party})
    if rng.random() < ORG_CLAIM_RATE:
        cv = src.org_view(ctx, o)
        _claim(ctx, keys, policy, cv, o.phone, ctx.fake.name(), src.later(ctx, day), None)
