"""Undoing identity decisions.

Revoke: the decision stops being enforced; the next matching gives the automatic
result. Rollback: the decision and every later decision that touched the same
mentions are revoked, and the assignment saved just before the decision took
effect is restored, so the re-run of matching (whose stable ids follow the previous
assignment by overlap) gives the earlier parties back their original ids.
"""

from __future__ import annotations

import json

from ecif.rebuild_queue import IN_FORCE
from ecif.stewardship.audit import log, now
from ecif.stewardship.users import StewardshipError
from ecif.translation import N_
from ecif.warehouse import Connection

IDENTITY_KINDS = ("MERGE", "SPLIT", "REJECT_SUSPECT")


def save_assignment(conn: Connection, request_id: int, mention_ids: list[str]) -> None:
    """Before a decision takes effect: the current parties of every mention of every
    party it touches."""
    marks = ", ".join("?" for _ in mention_ids)
    conn.execute(
        "insert into stewardship.assignment_before "
        "select ?, mention_id, party_id from matching.party_mention where party_id in ("
        f"select party_id from matching.party_mention where mention_id in ({marks}))",
        [request_id, *mention_ids])


def _constraint_pairs(conn: Connection, request_id: int) -> list[tuple[str, str]]:
    return conn.fetchall("select mention_id_a, mention_id_b from matching.link_constraint "
                         "where reason = ? and kind in ('MUST', 'CANNOT')",
                         [f"request:{request_id}"])


def revoke(conn: Connection, request_id: int, user: str, by_request: int) -> None:
    status = conn.scalar("select status from stewardship.request where request_id = ? "
                         f"and kind in {IDENTITY_KINDS}", [request_id])
    if status not in IN_FORCE:
        raise StewardshipError(N_("request {request} is no approved merge, split or suspect "
                                  "rejection"), request=request_id)
    stamp = now()
    for a, b in _constraint_pairs(conn, request_id):
        conn.execute("insert into matching.link_constraint values (?, ?, 'REVOKED', ?, ?, ?)",
                     [a, b, user, stamp, f"revoked:{request_id}:by:{by_request}"])
    conn.execute("update stewardship.request set status = 'REVOKED' where request_id = ?",
                 [request_id])
    log(conn, user, "REVOKED", request_id=request_id, detail=f"by request {by_request}")


def dependents(conn: Connection, request_id: int) -> list[int]:
    """Later approved identity decisions that touched a mention this one touched, or
    one of theirs (transitively)."""
    rows = conn.fetchall("select request_id, payload from stewardship.request "
                         "where request_id > ? and status in (?, ?) "
                         f"and kind in {IDENTITY_KINDS} order by request_id",
                         [request_id, *IN_FORCE])
    touched = {m for pair in _constraint_pairs(conn, request_id) for m in pair}
    found = []
    for later_id, _ in rows:
        mentions = {m for pair in _constraint_pairs(conn, later_id) for m in pair}
        if mentions & touched:
            found.append(later_id)
            touched |= mentions
    return found


def roll_back(conn: Connection, request_id: int, user: str, by_request: int) -> None:
    later = dependents(conn, request_id)
    for rid in [*reversed(later), request_id]:
        revoke(conn, rid, user, by_request)
        conn.execute("update stewardship.request set status = 'ROLLED_BACK' "
                     "where request_id = ?", [rid])
    # the assignment from before the decision comes back; later decisions on the same
    # mentions are rolled back with it, so nothing they did survives
    conn.execute(
        "update matching.party_mention set party_id = (select saved.party_id from "
        "stewardship.assignment_before as saved where saved.request_id = ? "
        "and saved.mention_id = matching.party_mention.mention_id) "
        "where mention_id in (select mention_id from stewardship.assignment_before "
        "where request_id = ?)", [request_id, request_id])
    log(conn, user, "ROLLED_BACK", request_id=request_id,
        detail=json.dumps({"with_later": later, "by_request": by_request}))
