"""What an approved request does. Identity decisions become `matching.link_constraint`
rows that every later matching run honours; attribute decisions become overrides
and statuses that the marts read. `ecif.rebuild_queue.REBUILD` says which pipeline
steps must run again for the effect to show."""

from __future__ import annotations

from itertools import combinations

from ecif.landing.bookkeeping import lift_quarantine, record_release
from ecif.quarantine import settle_exceptions
from ecif.rebuild_queue import REBUILD
from ecif.stewardship import erasure, links, rollback, users
from ecif.stewardship.audit import log, now
from ecif.stewardship.mentions import check_current
from ecif.stewardship.requests import Request
from ecif.stewardship.users import StewardshipError
from ecif.translation import N_
from ecif.warehouse import Connection

# every golden attribute of customer_attribute_lineage; the values are checked when the
# request is made (ecif.identifiers.check_attribute)
# 停用 and its undoing: the newest row of stewardship.party_status is the party's status
STATUS_AFTER = {"DEACTIVATE": "INACTIVE", "REACTIVATE": "ACTIVE"}
OVERRIDABLE = ("name", "id", "gender", "birth_date", "mobile", "phone", "email", "address",
               "occupation", "industry", "legal_rep")


def constraint_pairs(request: Request) -> list[tuple[str, str, str]]:
    """(mention a, mention b, MUST|CANNOT) pairs an identity decision stands for."""
    p = request.payload
    if request.kind == "MERGE":
        everyone = [m for mentions in p["mentions"].values() for m in mentions]
        return [(everyone[0], other, "MUST") for other in everyone[1:]]
    if request.kind == "SPLIT":
        chosen, rest = p["mentions"], p["others"]
        return ([(chosen[0], other, "MUST") for other in chosen[1:]]
                + [(c, r, "CANNOT") for c in chosen for r in rest])
    if request.kind == "REJECT_SUSPECT":
        return [(a, b, "CANNOT") for a, b in combinations(p["anchors"], 2)]
    return []


def write_constraints(conn: Connection, pairs: list[tuple[str, str, str]], user: str,
                      request_id: int) -> None:
    stamp = now()
    for a, b, kind in pairs:
        conn.execute("insert into matching.link_constraint values (?, ?, ?, ?, ?, ?)",
                     [a, b, kind, user, stamp, f"request:{request_id}"])


def apply(conn: Connection, request: Request, user: str, effective_date: str | None) -> None:
    """Write the effect of an approved request (inside the caller's transaction)."""
    p = request.payload
    kind = request.kind
    if kind in ("MERGE", "SPLIT", "REJECT_SUSPECT"):
        pairs = constraint_pairs(request)
        check_current(conn, sorted({m for a, b, _ in pairs for m in (a, b)}))
        rollback.save_assignment(conn, request.request_id, [m for a, b, _ in pairs
                                                              for m in (a, b)])
        write_constraints(conn, pairs, user, request.request_id)
    elif kind == "REVOKE":
        rollback.revoke(conn, p["request_id"], user, request.request_id)
    elif kind == "ROLLBACK":
        rollback.roll_back(conn, p["request_id"], user, request.request_id)
    elif kind == "MODIFY":
        # origin customer: a portal customer's own change (service.customer_contact_change)
        add_overrides(conn, p["party"], {p["attribute"]: p["value"]}, effective_date,
                      request.request_id, p.get("origin", "steward"))
    elif kind == "ENHANCE":
        for row in p["rows"]:
            add_overrides(conn, row["party_id"], {row["attribute"]: row["value"]},
                          row.get("confirmed_on") or effective_date, request.request_id,
                          f"enhancement:{p['file']}")
    elif kind in STATUS_AFTER:
        conn.execute("insert into stewardship.party_status values (?, ?, ?, ?)",
                     [p["party"], STATUS_AFTER[kind], request.request_id, now()])
    elif kind == "CREATE":
        conn.execute(
            "insert into stewardship.manual_customer values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [f"M{request.request_id:08d}", p["party_type"], p.get("name"), p.get("id_type"),
             p.get("id_no"), p.get("gender"), p.get("birth_date"), p.get("mobile"),
             request.request_id, now()])
    elif kind in ("RELATIONSHIP", "PARENT"):
        links.apply(conn, kind, p, request.request_id)
    elif kind == "ERASE":
        erasure.erase_party(conn, p["party"], user, request.request_id)
    elif kind == "ROLE":
        users.change_role(conn, p["user"], p["role"], p.get("owner_code"), user)
    elif kind == "RELEASE":
        # none left when a corrected re-delivery came first: nothing to lift
        lifted = lift_quarantine(conn, p["system"], p["business_date"])
        record_release(conn, lifted, request.request_id)
        settle_exceptions(conn, p["system"], user, f"quarantine of {p['system']} "
                          f"{p['business_date']} released by request {request.request_id} "
                          f"(asked by {request.requested_by}, approved by {user}): "
                          + (", ".join(lifted) or "nothing held any more"))
    log(conn, user, f"APPLIED_{kind}", request_id=request.request_id,
        party_id=p.get("party"), detail=f"rebuilds from {REBUILD[kind] or 'nothing'}")


def status_of(conn: Connection, party_id: str) -> str:
    """As marts.customer will show it after the next build (customer.sql reads the same
    newest row)."""
    return conn.scalar("select status from stewardship.party_status where party_id = ? "
                       "order by changed_at desc, request_id desc limit 1",
                       [party_id]) or "ACTIVE"


def add_overrides(conn: Connection, party_id: str, values: dict[str, str], effective_date: str,
                  request_id: int, origin: str) -> None:
    for attribute, value in values.items():
        if attribute not in OVERRIDABLE:
            raise StewardshipError(N_("attribute '{attribute}' cannot be overridden: one of "
                                      "{attributes}"), attribute=attribute,
                                   attributes=", ".join(OVERRIDABLE))
        conn.execute("update stewardship.attribute_override set revoked = true "
                     "where party_id = ? and attribute = ?", [party_id, attribute])
        conn.execute("insert into stewardship.attribute_override values (?, ?, ?, ?, ?, ?, "
                     "false)", [party_id, attribute, value, effective_date, request_id, origin])
