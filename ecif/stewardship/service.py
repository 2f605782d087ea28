"""Stewardship operations as the CLI and the service call them: each opens the
warehouse, works in one transaction, and after an approval re-runs the pipeline
steps the effect needs. A refusal rolls everything back and leaves only its
audit row."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from ecif.landing.erasures import rewrite_if_pending
from ecif.stewardship import effects, requests
from ecif.stewardship.audit import log
from ecif.stewardship.mentions import check_current, mentions_of
from ecif.stewardship.tables import ensure_tables
from ecif.stewardship.users import StewardshipError, add_user
from ecif.warehouse import Connection, Warehouse

T = TypeVar("T")


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
    with _session(warehouse, user, kind, party_id) as conn:
        return requests.submit(conn, kind, build(conn), user, reason, party_id)


def user_add(warehouse: Warehouse, user: str, role: str, actor: str) -> None:
    with _session(warehouse, actor, "USER_ROLE") as conn:
        add_user(conn, user, role, actor)


def request_merge(warehouse: Warehouse, parties: list[str], user: str, reason: str) -> int:
    if len(set(parties)) < 2:
        raise StewardshipError("a merge needs at least two different parties")
    return _submit(warehouse, "MERGE", user, reason, lambda conn: {
        "parties": parties, "mentions": {p: mentions_of(conn, p) for p in parties}})


def request_split(warehouse: Warehouse, party: str, mention_ids: list[str], user: str,
                  reason: str) -> int:
    def build(conn: Connection) -> dict:
        all_mentions = mentions_of(conn, party)
        stray = sorted(set(mention_ids) - set(all_mentions))
        if stray:
            raise StewardshipError(f"mention {stray[0]} is not in party {party}")
        others = [m for m in all_mentions if m not in mention_ids]
        if not others:
            raise StewardshipError("a split must leave at least one mention in the party")
        return {"party": party, "mentions": sorted(mention_ids), "others": others}
    return _submit(warehouse, "SPLIT", user, reason, build, party)


def request_reject_suspect(warehouse: Warehouse, parties: list[str], user: str,
                           reason: str) -> int:
    return _submit(warehouse, "REJECT_SUSPECT", user, reason, lambda conn: {
        "parties": parties, "anchors": [mentions_of(conn, p)[0] for p in parties]})


def request_on_decision(warehouse: Warehouse, kind: str, request_id: int, user: str,
                        reason: str) -> int:
    """REVOKE or ROLLBACK of an earlier approved identity decision."""
    def build(conn: Connection) -> dict:
        if requests.get(conn, request_id).status != "APPROVED":
            raise StewardshipError(f"request {request_id} is not an approved decision")
        return {"request_id": request_id}
    return _submit(warehouse, kind, user, reason, build)


def request_party_change(warehouse: Warehouse, kind: str, party: str, user: str, reason: str,
                         **values: str) -> int:
    """MODIFY (attribute=…, value=…), DEACTIVATE or ERASE of one party."""
    def build(conn: Connection) -> dict:
        check_current(conn, mentions_of(conn, party)[:1])
        return {"party": party, **values}
    return _submit(warehouse, kind, user, reason, build, party)


def request_create(warehouse: Warehouse, fields: dict, user: str, reason: str) -> int:
    return _submit(warehouse, "CREATE", user, reason, lambda conn: fields)


def request_enhance(warehouse: Warehouse, path: Path, user: str, reason: str) -> int:
    """A steward-approved file of confirmed contact details: CSV with party_id,
    attribute, value and optionally confirmed_on (YYYYMMDD)."""
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    for number, row in enumerate(rows, start=2):
        missing = [c for c in ("party_id", "attribute", "value") if not row.get(c)]
        if missing:
            raise StewardshipError(f"{path}: row {number}: field {missing[0]} is empty")
        if row["attribute"] not in effects.OVERRIDABLE:
            raise StewardshipError(f"{path}: row {number}: field attribute: "
                                   f"{row['attribute']!r} cannot be set")
    return _submit(warehouse, "ENHANCE", user, reason,
                   lambda conn: {"file": path.name, "rows": rows})


def approve(warehouse: Warehouse, request_id: int, user: str, note: str | None = None,
            rebuild: bool = True) -> str:
    """Approve and apply; returns the pipeline step the effect was rebuilt from."""
    with _session(warehouse, user, "DECISION") as conn:
        request = requests.get(conn, request_id)
        requests.check_decider(conn, request, user)
        as_of = conn.scalar("select max(_business_date) from intermediate.int_party_mention")
        requests.close(conn, request_id, "APPROVED", user, note)
        log(conn, user, "APPROVED", request_id=request_id, detail=note or "")
        effects.apply(conn, request, user, as_of)
    if rebuild:
        rebuild_from(warehouse, effects.REBUILD[request.kind])
    return effects.REBUILD[request.kind]


def reject(warehouse: Warehouse, request_id: int, user: str, note: str | None) -> None:
    with _session(warehouse, user, "DECISION") as conn:
        requests.reject(conn, request_id, user, note)


def rebuild_from(warehouse: Warehouse, step: str) -> None:
    """Rebuild from `step`; after an erasure, the DuckDB file is then rewritten without
    the erased person's bytes."""
    from ecif.pipeline import build_marts, build_staging, match_step

    if step == "staging":
        build_staging(warehouse)
    if step in ("staging", "matching"):
        match_step(warehouse)
    build_marts(warehouse)
    rewrite_if_pending(warehouse)


def tasks(warehouse: Warehouse, user: str) -> list[tuple]:
    with _session(warehouse, user, "TASKS") as conn:
        return requests.pending_for(conn, user)


def history(warehouse: Warehouse, party_id: str) -> list[tuple]:
    """归并历史: merges and splits matching recorded for the party, and every steward
    request, decision and effect about it, oldest first."""
    with _session(warehouse, "system", "HISTORY") as conn:
        return conn.fetchall(
            "select cast(null as timestamp) as at, run_id as who, event as what, "
            "related_party_ids as detail from matching.merge_history "
            "where party_id = ? or related_party_ids like ? "
            "union all "
            "select logged_at, actor, action, "
            "coalesce('request ' || cast(request_id as varchar), '') || ' ' || "
            "coalesce(detail, '') from stewardship.audit_log "
            "where party_id = ? or request_id in (select request_id from stewardship.request "
            "where payload like ?) order by 1 nulls first, 2",
            [party_id, f"%{party_id}%", party_id, f'%"{party_id}"%'])
