"""客户门户: the customer portal's rules and its JSON API (/v1/portal); its pages are
ecif/service/portal_pages.py.

A customer registers with a portal user name, their name, ID and mobile: identification
(ecif.service.identify) finds their party or creates it under the admission rules, and a
`customer` account is bound to that one party (its owner code, ecif.service.scoping):
every read of the customer goes through that binding, never through a party id the
customer sends. An existing party is bound only when the mobile given is one it holds
(a stand-in for the SMS code a production portal sends): a name and an ID number
alone are known to too many people. The customer reads their policies, claims, value
grade and points (积分, seed points_rule) and changes their own mobile, e-mail and
address (ecif.stewardship.service.customer_contact_change).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import Field

from ecif.identifiers import InvalidValue, check_party, mention_id
from ecif.reference import read_seed
from ecif.service.accounts import User
from ecif.service.api_customers import lookup_views
from ecif.service.config import ServiceConfig
from ecif.service.dependencies import Config, Reader, require
from ecif.service.identify import identify, keep_user_name
from ecif.service.passwords import WeakPassword, check_policy
from ecif.service.request_body import RequestBody
from ecif.stewardship import service, users
from ecif.stewardship.users import USER_NAME_TAKEN, StewardshipError
from ecif.translation import N_
from ecif.warehouse import Connection

router = APIRouter(prefix="/v1/portal", tags=["customer portal"])
Customer = Annotated[User, Depends(require("customer"))]
NOT_CONFIRMED = N_("these details do not confirm who you are (the mobile must be one we "
                    "have on record): please call customer service")


class Registration(RequestBody):
    user_name: str = Field(min_length=3, max_length=64)
    password: str = Field(max_length=128)
    name: str = Field(max_length=100)
    id_type: str = Field("RID", description="RID: resident identity card")
    id_no: str = Field(max_length=30)
    mobile: str = Field(max_length=30)
    email: str | None = Field(None, max_length=254)


class ContactChange(RequestBody):
    """Only the fields given change; an address is province|city|district|address."""
    mobile: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=400)


def throttle(request: Request) -> None:
    """Registration needs no login: limited per client address with the requests' bucket,
    so that it cannot be used to try names and ID numbers in bulk."""
    client = request.client.host if request.client else "unknown"
    wait = request.app.state.request_rate.take(f"portal-registration:{client}")
    if wait:
        raise HTTPException(429, "too many registrations from this address: try again later",
                            headers={"Retry-After": str(math.ceil(wait))})


def register(request: Request, form: Registration) -> str:
    """The party the new customer account is bound to (InvalidValue: a field the staging
    rules refuse; StewardshipError: refused, the message says why)."""
    party = check_party("P", form.name, form.id_type, form.id_no, form.mobile,
                        email=form.email, user_name=form.user_name)
    for field in ("id_no", "mobile"):
        if getattr(party, field) is None:
            raise InvalidValue(field, "MISSING")
    check_policy(form.user_name, form.password)
    state = request.app.state
    with state.connections.connect() as conn:
        if conn.scalar("select count(*) from stewardship.app_user where user_name = ?",
                       [form.user_name]):
            raise StewardshipError(USER_NAME_TAKEN, user=form.user_name)
        # without the user name: it is kept on the party only once the party is confirmed
        found = identify(conn, replace(party, user_name=None), state.live_mentions.current(conn),
                         state.party_numbers)
        if found.outcome not in ("MATCHED", "NEW") or (
                found.outcome == "MATCHED" and not holds_mobile(conn, found.party_id,
                                                                party.mobile)):
            raise StewardshipError(NOT_CONFIRMED)
        with conn.transaction():
            users.register_customer(conn, form.user_name, form.password, found.party_id)
            keep_user_name(conn, party, found.party_id)
    return found.party_id


def holds_mobile(conn: Connection, party_id: str, mobile: str) -> bool:
    """The mobile is one a source, identification or the customer gave for the party."""
    manual = [mention_id("steward", "manual_customer", key, "customer") for (key,) in
              conn.fetchall("select manual_key from stewardship.manual_customer "
                            "where mobile = ?", [mobile])]
    held_by_manual = (f"union all select party_id from matching.party_mention where "
                      f"party_id = ? and mention_id in ({', '.join('?' * len(manual))}) "
                      if manual else "")
    return bool(conn.scalar(
        "select count(*) from ("
        "select party_id from serving.mention_party where party_id = ? and mobile = ? "
        f"{held_by_manual}"
        "union all select party_id from stewardship.attribute_override where party_id = ? "
        "and attribute = 'mobile' and override_value = ? and not revoked) as held",
        [party_id, mobile, *([party_id, *manual] if manual else []), party_id, mobile]))


def points_rule() -> dict[str, int]:
    return {row["parameter"]: int(row["value"]) for row in read_seed("points_rule")}


def points(policies: list[dict], claims: list[dict], as_of: dt.date) -> dict[str, Any]:
    """积分: per full 100 yuan of premium of the policies in effect by `as_of`, plus per
    full claim-free year since the later of the first policy and the latest loss."""
    rule = points_rule()
    started = [p for p in policies if p.get("effective_date") and p["effective_date"] <= as_of]
    paid = sum((Decimal(str(p["premium"] or 0)) for p in started), Decimal(0))
    since = max([min((p["effective_date"] for p in started), default=None),
                 *(c["loss_date"] for c in claims if c.get("loss_date"))],
                key=lambda d: d or dt.date.min)
    years = 0
    if started and since <= as_of:
        years = as_of.year - since.year - ((as_of.month, as_of.day) < (since.month, since.day))
    years = min(years, rule["max_claim_free_years"])
    return {"premium_paid": float(paid), "claim_free_years": years,
            "points": int(paid // 100) * rule["points_per_100_yuan_premium"]
            + years * rule["points_per_claim_free_year"]}


def account(reader: Connection, user: User, cfg: ServiceConfig,
            as_of: dt.date | None = None) -> dict[str, Any] | None:
    """The customer's own profile, policies, claims and points; None while their party,
    new from registration, waits for the nightly run that builds its golden record."""
    try:
        view = lookup_views(reader, user, cfg, "party_id", user.owner_code or "")[0]
    except HTTPException:
        return None
    # claims are not among the tables the reader login may select (row security):
    # read by the owner, limited here to the bound party
    with cfg.warehouse.connect() as conn:
        cursor = conn.execute(
            "select claim_no, policy_no, product_line, loss_date, report_time, status, "
            "claim_amount, paid_amount from marts.claim_summary "
            "where claimant_party_id = ? or holder_party_id = ? order by report_time desc",
            [user.owner_code, user.owner_code])
        names = [d[0] for d in cursor.description]
        claims = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {**view, "claims": claims,
            "points": points(view["policies"], claims, as_of or dt.date.today())}


def change_contact(request: Request, user: User, change: ContactChange) -> list[int]:
    values = {k: v for k, v in change.model_dump().items() if v}
    if not values:
        raise InvalidValue("mobile", "MISSING")
    cfg: ServiceConfig = request.app.state.config
    return service.customer_contact_change(cfg.warehouse, user.owner_code or "", user.name,
                                           values)


@router.post("/register", status_code=201, dependencies=[Depends(throttle)])
def register_customer(form: Registration, request: Request) -> dict[str, str]:
    """Find or create the customer's party and bind a new `customer` account to it; log
    in with POST /v1/token afterwards."""
    try:
        return {"user_name": form.user_name, "party_id": register(request, form)}
    except WeakPassword as weak:
        raise HTTPException(422, str(weak)) from None


@router.get("/me")
def me(user: Customer, conn: Reader, cfg: Config) -> dict[str, Any]:
    """The customer's own record: profile (with value grade), policies, claims, points."""
    found = account(conn, user, cfg)
    if found is None:
        raise HTTPException(404, "your record appears after the next nightly run")
    return found


@router.put("/me/contact")
def contact(change: ContactChange, request: Request, user: Customer) -> dict[str, list[int]]:
    """Change the customer's own mobile, e-mail or address at once (audited, kept by the
    nightly runs like a steward's change)."""
    return {"requests": change_contact(request, user, change)}
