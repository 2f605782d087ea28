"""Erasure of a person's data on request (physical deletion).

Rows that are the person's own record (a core customer, a telesales lead, a manual
customer) are deleted; in rows shared with others (an underwriting case, a claim,
a receipt, a payout) the person's fields are emptied. Raw rows are found by the
rules staging reads them with (ecif.identifiers), so a key or a mobile written in
full-width digits goes too. Snapshots, overrides, the audit details about the party
and the matching evidence pages that showed the person go as well, and so do the
person's values in the change feed (an ERASED event tells subscribers); the party's open
requests are closed (CLOSED_ERASED). The only trace left is an audit row saying that
party P was erased by request R, with no personal value, and the erasure register
(salted hashes, ecif.landing.erasures) with which landing keeps the person from coming
back in a re-delivery. The rebuild it queues (staging, matching, marts) removes
the person from every derived table; on DuckDB the file is then rewritten
(erasures.rewrite_if_pending).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ecif.events.changes import erased_now
from ecif.extract_spec import BY_NAME
from ecif.identifiers import clean_text, mention_parts, normalize_mobile
from ecif.landing import erasures
from ecif.staging_state import forget_processed
from ecif.stewardship import requests
from ecif.stewardship.audit import log, now
from ecif.stewardship.mentions import mentions_of
from ecif.warehouse import Connection

SNAPSHOTS = ("snapshots.customer_history", "snapshots.customer_contact_history")
CALLS = "raw.telesales__contact_event"


def erase_party(conn: Connection, party_id: str, user: str, request_id: int) -> None:
    mention_ids = mentions_of(conn, party_id)
    identifiers = conn.fetchall(
        "select distinct id_no, id_informative, mobile, mobile_valid and mobile_informative "
        "from serving.mention_party where party_id = ?", [party_id])
    mobiles = {mobile for _, _, mobile, _ in identifiers if mobile}
    _close_open_requests(conn, party_id, user, request_id)
    # requests about the party may carry its values (a modification, a manual creation)
    manual_keys = [key for system, _, key, _ in map(mention_parts, mention_ids)
                   if system == "steward"]
    conn.execute("update stewardship.request set payload = '{\"erased\": true}', "
                 "reason = '[erased]' where payload like ? or request_id in ("
                 "select request_id from stewardship.manual_customer where manual_key in ("
                 f"{', '.join(['?'] * len(manual_keys)) or 'null'}))",
                 [f'%"{party_id}"%', *manual_keys])
    keys: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    # raw rows changed in place: the next staging build rebuilds these entities
    changed = {("telesales", "contact_event")} if mobiles else set()
    for mention_id in mention_ids:
        system, entity, key, role = mention_parts(mention_id)
        if system != "steward":
            changed.add((system, entity))
        # a portal user name identification kept on any of the person's mentions
        conn.execute("delete from stewardship.identity_key where mention_id = ?", [mention_id])
        if system == "steward":
            conn.execute("delete from stewardship.manual_customer where manual_key = ?", [key])
        else:
            keys[(system, entity, role)].add(key)
    for (system, entity, role), wanted in keys.items():
        spec = BY_NAME[(system, entity)]
        table = f"raw.{spec.raw_table}"
        where, values = _matching(conn, table, spec.key, clean_text, wanted)
        fields = erasures.ERASABLE[(system, entity, role)].fields
        if not values:
            continue  # no raw row left (deleted by its source or an earlier erasure)
        if fields is None:
            conn.execute(f"delete from {table} where {where}", values)
        else:
            blanks = ", ".join(f"{field} = null" for field in fields)
            conn.execute(f"update {table} set {blanks} where {where}", values)
    # calls from the person's number keep their content, not the number
    where, values = _matching(conn, CALLS, "mobile", normalize_mobile, mobiles)
    if values:
        conn.execute(f"update {CALLS} set mobile = null where {where}", values)
    forget_processed(conn, changed)
    erased_now(conn, party_id, request_id)
    for snapshot in SNAPSHOTS:
        if conn.table_exists(*snapshot.split(".")):
            conn.execute(f"delete from {snapshot} where party_id = ?", [party_id])
    conn.execute("delete from stewardship.attribute_override where party_id = ?", [party_id])
    # relationships kept by hand say whom the person is related to, by their source keys
    conn.execute("delete from stewardship.manual_link where party_id = ? "
                 "or related_party_id = ?", [party_id, party_id])
    conn.execute("update stewardship.audit_log set detail = '[erased]' where party_id = ?",
                 [party_id])
    erasures.remember(
        conn, request_id, now(),
        mention_ids=[m for m in mention_ids if not m.startswith("steward|")],
        id_nos={id_no for id_no, informative, _, _ in identifiers if id_no and informative},
        mobiles={mobile for _, _, mobile, informative in identifiers if mobile and informative})
    # Splink loads only when someone is erased
    from matching.evidence import evidence_root, forget_pages

    forget_pages([party_id, *mention_ids], evidence_root(conn.warehouse))
    log(conn, user, "ERASED", request_id=request_id, party_id=party_id,
        detail="personal data erased; party id and request kept")


def _close_open_requests(conn: Connection, party_id: str, user: str, request_id: int) -> None:
    """A pending request about an erased party could only fail at approval."""
    note = f"party erased by request {request_id}"
    for (open_id,) in conn.fetchall(
            "select request_id from stewardship.request where status = 'PENDING' "
            "and request_id <> ? and payload like ? order by request_id",
            [request_id, f'%"{party_id}"%']):
        requests.close(conn, open_id, "CLOSED_ERASED", user, note)
        log(conn, user, "CLOSED_ERASED", request_id=open_id, party_id=party_id, detail=note)


def _matching(conn: Connection, table: str, column: str,
              normalize: Callable[[str], str | None], wanted: set[str]) -> tuple[str, list[str]]:
    """A condition on `column` and its values: the raw spellings staging reads as one of
    `wanted` (a full-width or blank-padded key, a mobile written +86 138-…)."""
    spellings = [value for (value,) in conn.fetchall(
        f"select distinct {column} from {table} where {column} is not null")
        if normalize(value) in wanted] if wanted else []
    return f"{column} in ({', '.join('?' for _ in spellings)})", spellings
