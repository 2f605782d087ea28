"""Maker–checker: a steward asks, another user with the approver role decides.

Requests are stored with a JSON payload; nothing takes effect until approval
(ecif.stewardship.effects). Every step is audited, refusals included.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from ecif.stewardship.audit import log, now
from ecif.stewardship.users import (
    APPROVERS,
    REQUESTERS,
    StewardshipError,
    check_admin,
    check_independent,
    role_of,
)
from ecif.translation import N_
from ecif.warehouse import Connection

KINDS = ("MERGE", "SPLIT", "REJECT_SUSPECT", "REVOKE", "ROLLBACK", "CREATE", "MODIFY",
         "DEACTIVATE", "REACTIVATE", "ERASE", "ENHANCE", "ROLE", "RELATIONSHIP", "PARENT",
         "RELEASE")


@dataclass(frozen=True)
class Request:
    request_id: int
    kind: str
    payload: dict
    reason: str | None
    status: str
    requested_by: str
    requested_at: object
    decided_by: str | None


def submit(conn: Connection, kind: str, payload: dict, user: str, reason: str | None,
           party_id: str | None = None) -> int:
    if role_of(conn, user) not in REQUESTERS:
        raise StewardshipError(N_("{user} may not make requests: needs one of {roles}"),
                               user=user, roles=", ".join(REQUESTERS))
    if kind == "ROLE":
        check_admin(conn, user, N_("ask for a role change"))
    return _insert(conn, kind, payload, user, reason, party_id)


def own_change(conn: Connection, kind: str, payload: dict, user: str, reason: str,
               party_id: str) -> int:
    """A portal customer's change of their own contact details: made and approved at
    once by the customer (their own data needs no checker), kept with the requests so
    that history and rollback see it like any other."""
    if role_of(conn, user) != "customer":
        raise StewardshipError(N_("{user} is not a portal customer"), user=user)
    request_id = _insert(conn, kind, payload, user, reason, party_id)
    close(conn, request_id, "APPROVED", user, "the customer's own data")
    log(conn, user, "APPROVED", request_id=request_id, party_id=party_id,
        detail="the customer's own data")
    return request_id


def _insert(conn: Connection, kind: str, payload: dict, user: str, reason: str | None,
            party_id: str | None) -> int:
    request_id = int(conn.scalar("select coalesce(max(request_id), 0) + 1 "
                                 "from stewardship.request"))
    conn.execute("insert into stewardship.request values (?, ?, ?, ?, 'PENDING', ?, ?, "
                 "null, null, null)",
                 [request_id, kind, json.dumps(payload, ensure_ascii=False), reason, user, now()])
    log(conn, user, f"REQUEST_{kind}", request_id=request_id, party_id=party_id,
        detail=reason or "")
    return request_id


def get(conn: Connection, request_id: int) -> Request:
    row = conn.fetchone("select request_id, kind, payload, reason, status, requested_by, "
                        "requested_at, decided_by from stewardship.request "
                        "where request_id = ?", [request_id])
    if row is None:
        raise StewardshipError(N_("no request {request}"), request=request_id)
    return Request(row[0], row[1], json.loads(row[2]), *row[3:])


def check_decider(conn: Connection, request: Request, user: str,
                  at: datetime | None = None) -> None:
    """Only an approver independent of the maker (users.check_independent) may decide,
    and never on a change of their own role."""
    if request.status != "PENDING":
        raise StewardshipError(N_("request {request} is {status}, not PENDING"),
                               request=request.request_id, status=request.status)
    if user == request.requested_by:
        raise StewardshipError(N_("{user} made request {request} and may not approve it"),
                               user=user, request=request.request_id)
    if role_of(conn, user) not in APPROVERS:
        raise StewardshipError(N_("{user} is not an approver"), user=user)
    if request.kind == "ROLE" and request.payload["user"] == user:
        raise StewardshipError(N_("{user} may not decide a change of their own role"),
                               user=user)
    check_independent(conn, request.requested_by, user, at)


def close(conn: Connection, request_id: int, status: str, user: str, note: str | None) -> None:
    conn.execute("update stewardship.request set status = ?, decided_by = ?, decided_at = ?, "
                 "decision_note = ? where request_id = ?",
                 [status, user, now(), note, request_id])


def reject(conn: Connection, request_id: int, user: str, note: str | None,
           at: datetime | None = None) -> None:
    request = get(conn, request_id)
    check_decider(conn, request, user, at)
    close(conn, request_id, "REJECTED", user, note)
    log(conn, user, "REJECTED", request_id=request_id, detail=note or "")


class Task(NamedTuple):
    """A tuple as the task pool always gave, with the age after it."""
    request_id: int
    kind: str
    requested_by: str
    requested_at: datetime
    reason: str | None
    age: timedelta              # how long it has been waiting


def pending_for(conn: Connection, user: str, everyone: bool = False) -> list[Task]:
    """The user's task pool: requests they may decide (not their own), and their own
    requests still waiting; oldest first. `everyone`: every user's pending requests,
    by maker (an approver's or admin's overview)."""
    decides = role_of(conn, user) in APPROVERS
    if everyone and not decides:
        raise StewardshipError(N_("{user} is not an approver and may not see every user's "
                                  "tasks"), user=user)
    rows = conn.fetchall(
        "select request_id, kind, requested_by, requested_at, reason from stewardship.request "
        "where status = 'PENDING' and (? or (requested_by <> ? and ?) or requested_by = ?) "
        "order by " + ("requested_by, " if everyone else "") + "requested_at, request_id",
        [everyone, user, decides, user])
    stamp = now()
    return [Task(*row, age=stamp - row[3]) for row in rows]
