"""Stewardship operations as the CLI and the service call them: each opens the
warehouse and works in one transaction. An approval records the decision and its
effect and queues the rebuild the effect needs (ecif.rebuild_queue): the runner
(`ecif rebuild`, ecif.pipeline.apply_decisions) or the next nightly publishes it; no
stewardship operation runs a pipeline step. A refusal rolls everything back and
leaves only its audit row. Every request is checked when it is made, with the staging
rules (ecif.identifiers): a bad value is refused then (InvalidValue, naming the
field), not found at approval or lost in the nightly run."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from ecif.identifiers import InvalidValue, check_attribute, check_date, check_party
from ecif.quarantine import held_batches
from ecif.rebuild_queue import APPLIED, IN_FORCE, QUEUED, REBUILD
from ecif.service.accounts import ensure_tables
from ecif.staging_state import staged_business_date
from ecif.stewardship import effects, links, requests, users
from ecif.stewardship.audit import log
from ecif.stewardship.history import Entry, HistoryQuery, search
from ecif.stewardship.mentions import check_current, mentions_of
from ecif.stewardship.users import StewardshipError
from ecif.translation import N_
from ecif.warehouse import Connection, Warehouse

T = TypeVar("T")
MAX_REASON = 500            # characters
# what a portal customer may change of their own record
CUSTOMER_EDITABLE = ("mobile", "email", "address")


@contextmanager
def _session(warehouse: Warehouse, actor: str, action: str,
             party_id: str | None = None) -> Iterator[Connection]:
    with warehouse.connect() as conn:
        ensure_tables(conn)
        try:
            with conn.transaction():
                yield conn
        except StewardshipError as refusal:
            log(conn, actor, f"REFUSED_{action}", party_id=party_id, detail=str(refusal))
            raise


def _submit(warehouse: Warehouse, kind: str, user: str, reason: str | None,
            build: Callable[[Connection], dict], party_id: str | None = None) -> int:
    if reason is not None and len(reason) > MAX_REASON:
        raise InvalidValue("reason", "TOO_LONG", f"than {MAX_REASON} characters")
    if reason is not None and not reason.isprintable():
        raise InvalidValue("reason", "BAD_CHARACTER")
    with _session(warehouse, user, kind, party_id) as conn:
        return requests.submit(conn, kind, build(conn), user, reason, party_id)


def user_add(warehouse: Warehouse, user: str, role: str, password: str, actor: str | None,
             owner_code: str | None = None) -> None:
    """actor None: the bootstrap of the first user (an admin), by nobody logged in."""
    with _session(warehouse, actor or user, "USER_ADD") as conn:
        users.add_user(conn, user, role, password, owner_code, actor)


def user_password(warehouse: Warehouse, user: str, password: str, actor: str) -> None:
    with _session(warehouse, actor, "PASSWORD_RESET") as conn:
        users.reset_password(conn, user, password, actor)


def user_disable(warehouse: Warehouse, user: str, disabled: bool, actor: str) -> None:
    with _session(warehouse, actor, "USER_DISABLE" if disabled else "USER_ENABLE") as conn:
        users.set_disabled(conn, user, disabled, actor)


def user_delete(warehouse: Warehouse, user: str, actor: str) -> None:
    with _session(warehouse, actor, "USER_DELETE") as conn:
        users.delete_user(conn, user, actor)


def user_list(warehouse: Warehouse, actor: str) -> list[tuple]:
    with _session(warehouse, actor, "USER_LIST") as conn:
        users.check_admin(conn, actor, "list users")
        return users.list_users(conn)


def request_role(warehouse: Warehouse, user: str, role: str, owner_code: str | None,
                 actor: str, reason: str) -> int:
    """A role change takes effect when another admin or approver approves it."""
    def build(conn: Connection) -> dict:
        users.role_of(conn, user)
        users.check_role(role, owner_code)
        return {"user": user, "role": role, "owner_code": owner_code}
    return _submit(warehouse, "ROLE", actor, reason, build)


def request_merge(warehouse: Warehouse, parties: list[str], user: str, reason: str) -> int:
    if len(set(parties)) < 2:
        raise StewardshipError(N_("a merge needs at least two different parties"))
    return _submit(warehouse, "MERGE", user, reason, lambda conn: {
        "parties": parties, "mentions": {p: mentions_of(conn, p) for p in parties}})


def request_split(warehouse: Warehouse, party: str, mention_ids: list[str], user: str,
                  reason: str) -> int:
    def build(conn: Connection) -> dict:
        all_mentions = mentions_of(conn, party)
        stray = sorted(set(mention_ids) - set(all_mentions))
        if stray:
            raise StewardshipError(N_("mention {mention} is not in party {party}"),
                                   mention=stray[0], party=party)
        others = [m for m in all_mentions if m not in mention_ids]
        if not others:
            raise StewardshipError(N_("a split must leave at least one mention in the party"))
        return {"party": party, "mentions": sorted(mention_ids), "others": others}
    return _submit(warehouse, "SPLIT", user, reason, build, party)


def request_reject_suspect(warehouse: Warehouse, parties: list[str], user: str,
                           reason: str) -> int:
    return _submit(warehouse, "REJECT_SUSPECT", user, reason, lambda conn: {
        "parties": parties, "anchors": [mentions_of(conn, p)[0] for p in parties]})


def request_release(warehouse: Warehouse, system: str, business_date: str, user: str,
                    reason: str) -> int:
    """Release a source's batches of one date from quarantine (ecif.quarantine)."""
    def build(conn: Connection) -> dict:
        if not any(b.system == system and b.business_date == business_date
                   for b in held_batches(conn)):
            raise StewardshipError(N_("no batch of {system} {date} is quarantined"),
                                   system=system, date=business_date)
        return {"system": system, "business_date": business_date}
    return _submit(warehouse, "RELEASE", user, reason, build)


def request_on_decision(warehouse: Warehouse, kind: str, request_id: int, user: str,
                        reason: str) -> int:
    """REVOKE or ROLLBACK of an earlier approved identity decision."""
    def build(conn: Connection) -> dict:
        if requests.get(conn, request_id).status not in IN_FORCE:
            raise StewardshipError(N_("request {request} is not an approved decision"),
                                   request=request_id)
        return {"request_id": request_id}
    return _submit(warehouse, kind, user, reason, build)


def request_party_change(warehouse: Warehouse, kind: str, party: str, user: str, reason: str,
                         **values: str) -> int:
    """MODIFY (attribute=…, value=…), DEACTIVATE, REACTIVATE or ERASE of one party."""
    if kind == "MODIFY":
        values["value"] = check_attribute(values["attribute"], values["value"], party[:1],
                                          effects.OVERRIDABLE)

    def build(conn: Connection) -> dict:
        check_current(conn, mentions_of(conn, party)[:1])
        if kind in effects.STATUS_AFTER and effects.status_of(conn, party) == \
                effects.STATUS_AFTER[kind]:
            raise StewardshipError(N_("party {party} is {status} already"), party=party,
                                   status=effects.STATUS_AFTER[kind])
        return {"party": party, **values}
    return _submit(warehouse, kind, user, reason, build, party)


def customer_contact_change(warehouse: Warehouse, party: str, user: str,
                            values: dict[str, str]) -> list[int]:
    """客户门户: a portal customer's own mobile, e-mail or address, checked with the
    staging rules (InvalidValue naming the attribute), each applied at once as a MODIFY
    the customer made and approved (requests.own_change), its marts rebuild queued: an
    override the nightly keeps like a steward's, audited, in the party's history. The
    ids of the requests."""
    checked = {}
    for attribute, value in values.items():
        try:
            checked[attribute] = check_attribute(attribute, value, party[:1], CUSTOMER_EDITABLE)
        except InvalidValue as problem:
            raise InvalidValue(attribute, problem.problem, problem.detail) from None
    made = []
    with _session(warehouse, user, "MODIFY", party) as conn:
        check_current(conn, mentions_of(conn, party)[:1])
        as_of = staged_business_date(conn)
        for attribute, value in checked.items():
            request_id = requests.own_change(
                conn, "MODIFY", {"party": party, "attribute": attribute, "value": value,
                                 "origin": "customer"},
                user, "portal: the customer's own contact details", party)
            effects.apply(conn, requests.get(conn, request_id), user, as_of)
            made.append(request_id)
    return made


def request_relationship(warehouse: Warehouse, action: str, party: str, related: str,
                         relationship_type: str, user: str, reason: str,
                         new_related: str | None = None, new_type: str | None = None) -> int:
    """关系与组合 by hand: add, end or correct (to `new_related` and/or `new_type`) a
    relationship of marts.customer_relationship (ecif.stewardship.links)."""
    return _submit(warehouse, "RELATIONSHIP", user, reason, lambda conn: links.relationship(
        conn, action, party, related, relationship_type.upper(), new_related,
        new_type and new_type.upper()), party)


def request_parent(warehouse: Warehouse, company: str, parent: str | None, user: str,
                   reason: str) -> int:
    """企业层级 by hand: set or change a company's parent company, or remove it (None)."""
    return _submit(warehouse, "PARENT", user, reason,
                   lambda conn: links.parent(conn, company, parent), company)


def request_create(warehouse: Warehouse, fields: dict, user: str, reason: str) -> int:
    """创建: `fields` as check_party takes them (birth_date YYYY-MM-DD); only an
    admissible customer (准入) may be asked for."""
    party = check_party(**fields)
    if not party.admissible:
        raise InvalidValue("id_no", "NOT_ADMISSIBLE")
    return _submit(warehouse, "CREATE", user, reason, lambda conn: party.payload())


def request_enhance(warehouse: Warehouse, path: Path, user: str, reason: str) -> int:
    """批量增强 from a CSV file with party_id, attribute, value and optionally
    confirmed_on (YYYYMMDD)."""
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    return request_enhance_rows(warehouse, path.name, rows, user, reason)


def request_enhance_rows(warehouse: Warehouse, file_name: str, rows: list[dict[str, str]],
                         user: str, reason: str) -> int:
    """A steward-approved file of confirmed contact details, every row checked now
    (numbered as in the CSV file, after its header); messages name the file by its
    name only."""
    checked = []
    for number, row in enumerate(rows, start=2):
        where = f"{file_name}: row {number}"
        missing = [c for c in ("party_id", "attribute", "value") if not row.get(c)]
        if missing:
            raise StewardshipError(N_("{where}: field {field} is empty"), where=where,
                                   field=missing[0])
        try:
            checked.append({
                "party_id": row["party_id"], "attribute": row["attribute"],
                "value": check_attribute(row["attribute"], row["value"], row["party_id"][:1],
                                         effects.OVERRIDABLE),
                "confirmed_on": row.get("confirmed_on") and check_date(
                    row["confirmed_on"], "%Y%m%d", "confirmed_on").strftime("%Y%m%d")})
        except InvalidValue as problem:
            raise InvalidValue(problem.field, problem.problem, problem.detail, where) from None

    def build(conn: Connection) -> dict:
        for number, row in enumerate(checked, start=2):
            try:
                mentions_of(conn, row["party_id"])
            except StewardshipError as problem:
                raise StewardshipError(N_("{file}: row {row}: field party_id: {problem}"),
                                       file=file_name, row=number,
                                       problem=problem.message) from None
        return {"file": file_name, "rows": checked}
    return _submit(warehouse, "ENHANCE", user, reason, build)


def approve(warehouse: Warehouse, request_id: int, user: str, note: str | None = None,
            at: datetime | None = None) -> str | None:
    """Approve and apply; returns the pipeline step the queued rebuild starts from (None:
    no customer data changed, the request is APPLIED at once). `at`: the time the
    decision is judged at (tests)."""
    with _session(warehouse, user, "DECISION") as conn:
        request = requests.get(conn, request_id)
        requests.check_decider(conn, request, user, at)
        step = REBUILD[request.kind]
        # a user's role change does not touch customer data (nor need a pipeline run)
        as_of = staged_business_date(conn) if step else None
        requests.close(conn, request_id, QUEUED if step else APPLIED, user, note)
        log(conn, user, "APPROVED", request_id=request_id, detail=note or "")
        effects.apply(conn, request, user, as_of)
    return step


def reject(warehouse: Warehouse, request_id: int, user: str, note: str | None,
           at: datetime | None = None) -> None:
    with _session(warehouse, user, "DECISION") as conn:
        requests.reject(conn, request_id, user, note, at)


def status(warehouse: Warehouse, request_id: int, user: str) -> requests.Request:
    """A request as it stands: APPROVED while its rebuild is queued, APPLIED once
    published."""
    with _session(warehouse, user, "STATUS") as conn:
        return requests.get(conn, request_id)


def tasks(warehouse: Warehouse, user: str, everyone: bool = False) -> list[requests.Task]:
    """The user's task pool (requests.pending_for), each task with its age."""
    with _session(warehouse, user, "TASKS") as conn:
        return requests.pending_for(conn, user, everyone)


def history(warehouse: Warehouse, query: HistoryQuery | str,
            user: str = "system") -> list[Entry]:
    """归并历史 and the audit trail (ecif.stewardship.history); a bare party id: that
    party's whole history."""
    if isinstance(query, str):
        query = HistoryQuery(party_id=query)
    with _session(warehouse, user, "HISTORY") as conn:
        return search(conn, query, requests.KINDS)
