"""Who is calling? Resolve a phone number, ID number or party id to golden customers
and gather their 360° view."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecif.identifiers import normalize_id_no, normalize_mobile
from ecif.masking import ABSENT, access, shown
from ecif.warehouse import Connection


@dataclass
class CustomerView:
    profile: dict
    policies: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)


def find_parties(conn: Connection, *, phone: str | None = None, id_no: str | None = None,
                 party_id: str | None = None) -> list[str]:
    """Party ids matching the one key given: a golden mobile, or any source mention's
    mobile or ID number (a caller may use a number only one system knows)."""
    if party_id:
        rows = conn.fetchall("select party_id from marts.customer where party_id = ?",
                             [party_id])
    elif phone:
        mobile = normalize_mobile(phone)
        rows = conn.fetchall(
            "select party_id from marts.customer where mobile = ? union "
            "select party_id from serving.mention_party "
            "where mobile = ? and mobile_informative", [mobile, mobile])
    elif id_no:
        rows = conn.fetchall(
            "select distinct party_id from serving.mention_party where id_no = ?",
            [normalize_id_no(id_no)])
    else:
        raise ValueError("give a phone number, an ID number or a party id")
    return sorted(r[0] for r in rows)


def customer_view(conn: Connection, party_id: str, recent_events: int = 5) -> CustomerView:
    profile = _rows(conn, (
        "select c360.*, customer.id_type, customer.id_no, customer.gender, "
        "customer.birth_date, contact.phone, contact.email, contact.district, contact.address "
        "from marts.customer_360 as c360 "
        "join marts.customer as customer on customer.party_id = c360.party_id "
        "left join marts.customer_contact as contact on contact.party_id = c360.party_id "
        "where c360.party_id = ?"), [party_id])[0]
    policies = _rows(conn, (
        "select policy_no, product_line, status, effective_date, expiry_date, premium, "
        "vehicle_plate, is_renewed from marts.policy_summary where holder_party_id = ? "
        "order by expiry_date desc"), [party_id])
    events = _rows(conn, (
        "select occurred_at, event_type, channel, outcome, event_key "
        "from marts.customer_event where party_id = ? order by occurred_at desc limit ?"),
        [party_id, recent_events])
    return CustomerView(profile, policies, events)


def present(view: CustomerView, role: str | None, *,
            unmasked: bool = True) -> dict[str, Any]:
    """The view as the role may see it (ecif.masking), for the API and the terminal:
    `policies` and `events` are fields too, absent for roles that may not see them."""
    def section(name: str, rows: list[dict]) -> list[dict]:
        return [] if access(role, name) == ABSENT else [shown(r, role, unmasked=unmasked)
                                                         for r in rows]
    return {"profile": shown(view.profile, role, unmasked=unmasked),
            "policies": section("policies", view.policies),
            "events": section("events", view.events)}


def _rows(conn: Connection, sql: str, params: list) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
