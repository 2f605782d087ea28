"""The change events of one publication: the published golden records and cross
references compared with the previous publication, kept in `events.published_customer`
and `events.published_xref` (what downstream systems were last told).

`publish` writes the events and the new publication in one transaction, after the
marts are built and checked: a run that fails before it writes no event, and a rerun
finds nothing new to tell (each change is written once). A party identification
created (`created_by_identify`) enters the publication at once with its CREATED event;
the nightly that first builds its golden record then tells only what survivorship
changed (UPDATED).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ecif.events.outbox import Change, append, ensure_tables, scrub
from ecif.warehouse import Connection

# the golden values an event carries (marts.customer, outputs.md §2)
GOLDEN = ("party_type", "name", "id_type", "id_no", "gender", "birth_date", "mobile", "status")
XREF = ("source_system", "source_entity", "source_key", "source_role")
STATUS_EVENTS = {("ACTIVE", "INACTIVE"): "DEACTIVATED", ("INACTIVE", "ACTIVE"): "REACTIVATED"}
Parties = dict[str, dict[str, Any]]
SCOPE = "events.publish_scope"
Xrefs = dict[tuple, str]


def ensure_publication(conn: Connection) -> None:
    ensure_tables(conn)
    conn.execute("create table if not exists events.published_customer as select party_id, "
                 f"{', '.join(GOLDEN)} from marts.customer where 1 = 0")
    conn.execute(f"create table if not exists events.published_xref as select {', '.join(XREF)}, "
                 "party_id from marts.customer_xref where 1 = 0")


def _in_scope(scope: str | None) -> str:
    return f" where party_id in ({scope})" if scope else ""


def _parties(conn: Connection, table: str, scope: str | None = None) -> Parties:
    cursor = conn.execute(f"select party_id, {', '.join(GOLDEN)} from {table}"
                          + _in_scope(scope))
    return {row[0]: dict(zip(GOLDEN, row[1:], strict=True)) for row in cursor.fetchall()}


def _xrefs(conn: Connection, table: str, scope: str | None = None) -> Xrefs:
    return {row[:-1]: row[-1] for row in conn.fetchall(
        f"select {', '.join(XREF)}, party_id from {table}" + _in_scope(scope))}


def _scope(conn: Connection) -> str | None:
    """The parties the marts changed since the last publication (the marts build
    gathers them in `events.publish_scope`, macro record_publish_scope); None: all
    parties (a whole build since, or no build recorded: the marts written otherwise)."""
    if (not conn.table_exists("events", "publish_scope")
            or conn.scalar(f"select count(*) from {SCOPE} where party_id is null")):
        return None
    return f"select party_id from {SCOPE}"


def _erased(conn: Connection, parties: set[str]) -> set[str]:
    if not parties or not conn.table_exists("stewardship", "audit_log"):
        return set()
    return {r[0] for r in conn.fetchall(
        "select distinct party_id from stewardship.audit_log where action = 'ERASED'")} & parties


def diff(before: Parties, after: Parties, xref_before: Xrefs, xref_after: Xrefs,
         erased: set[str]) -> tuple[list[Change], set[str]]:
    """The events that turn publication `before` into `after`, in party order (order
    per party is what consumers rely on), and the parties of `before` to carry over:
    those identification created that no mart holds yet (no cross reference)."""
    with_xref = set(xref_before.values())
    gone = set(before) - set(after)
    carried = {p for p in gone if p not in with_xref and p not in erased}
    gone -= carried
    new = set(after) - set(before)
    moved_from: dict[str, set[str]] = defaultdict(set)    # new party → old parties
    moved_to: dict[str, set[str]] = defaultdict(set)      # gone party → current parties
    for key, old in xref_before.items():
        now_in = xref_after.get(key)
        if now_in is not None and now_in != old:
            moved_from[now_in].add(old)
            moved_to[old].add(now_in)
    events: dict[str, list[Change]] = defaultdict(list)
    now_published, kept = set(after), set(after) & set(before)     # once, not per party

    def golden(party: str) -> dict[str, Any]:
        return {"customer": dict(after[party])}

    absorbed: dict[str, list[str]] = defaultdict(list)
    for party in sorted(gone):
        if party in erased:
            events[party].append(Change("ERASED", party, [], {"erased": True}))
        survivors = sorted(moved_to.get(party, set()) & now_published)
        if survivors:
            absorbed[survivors[0]].append(party)
        elif party not in erased:
            events[party].append(Change("DEACTIVATED", party, ["status"],
                                        {"customer": {**before[party], "status": "INACTIVE"},
                                         "reason": "no source record left"}))
    created: dict[str, list[str]] = defaultdict(list)
    for party in sorted(new):
        origins = sorted(moved_from.get(party, set()) & kept)
        if origins:
            created[origins[0]].append(party)
        events[party].append(Change("CREATED", party, list(GOLDEN), golden(party)))
    for party in sorted(kept):
        old, cur = before[party], after[party]
        changed = [f for f in GOLDEN if old[f] != cur[f]]
        status = STATUS_EVENTS.get((old["status"], cur["status"]))
        if status:
            events[party].append(Change(status, party, changed, golden(party)))
        elif changed:
            events[party].append(Change("UPDATED", party, changed, golden(party)))
    for party, ids in absorbed.items():
        events[party].append(Change("MERGED", party, [], {**golden(party), "absorbed": ids}))
    for party, ids in created.items():
        events[party].append(Change("SPLIT", party, [], {**golden(party), "created": ids}))
    for key in sorted(set(xref_before) | set(xref_after)):
        old, cur = xref_before.get(key), xref_after.get(key)
        if old == cur:
            continue
        xref = dict(zip(XREF, key, strict=True))
        if cur is not None and cur not in new:
            events[cur].append(Change("XREF_ADDED", cur, [], {"xref": xref}))
        if old is not None and old in after:
            events[old].append(Change("XREF_REMOVED", old, [], {"xref": xref}))
    return [e for party in sorted(events) for e in events[party]], carried


def marts_business_date(conn: Connection) -> str | None:
    """The latest business date the published marts were built from."""
    return conn.scalar("select business_date from serving.as_of")


def publish(conn: Connection, run_id: str) -> int:
    """Publish the marts' golden records to the change feed; the events written.
    Only the parties the marts changed since the last publication are compared: any
    other party has the same golden record and cross references in both, so the
    events are those of a comparison of everything."""
    ensure_publication(conn)
    business_date = marts_business_date(conn)
    with conn.transaction():
        scope = _scope(conn)
        before, after = (_parties(conn, "events.published_customer", scope),
                         _parties(conn, "marts.customer", scope))
        erased = _erased(conn, set(before) - set(after))
        changes, carried = diff(before, after, _xrefs(conn, "events.published_xref", scope),
                                _xrefs(conn, "marts.customer_xref", scope), erased)
        written = append(conn, changes, run_id, business_date)
        for party in erased:
            scrub(conn, party)
        also = f" and party_id in ({scope})" if scope else ""
        # one delete per source of the ids: PostgreSQL checks an OR of two IN subqueries
        # row by row once the ids outgrow work_mem (a 1M DELTA night's ran for minutes)
        for published in ("marts.customer", "events.published_xref"):
            conn.execute("delete from events.published_customer where party_id in ("
                         f"select party_id from {published}){also}")
        for party in erased:    # gone without a cross reference left to delete it by
            conn.execute("delete from events.published_customer where party_id = ?", [party])
        conn.execute(f"insert into events.published_customer select party_id, "
                     f"{', '.join(GOLDEN)} from marts.customer" + _in_scope(scope))
        conn.execute("delete from events.published_xref" + _in_scope(scope))
        conn.execute(f"insert into events.published_xref select {', '.join(XREF)}, party_id "
                     "from marts.customer_xref" + _in_scope(scope))
        if conn.table_exists("events", "publish_scope"):
            conn.execute(f"delete from {SCOPE}")
    return written


def erased_now(conn: Connection, party_id: str, request_id: int) -> None:
    """An approved erasure (in its transaction): ERASED at once, and the person's values
    leave the earlier events and the publication before any rebuild."""
    if not conn.table_exists("events", "published_customer"):
        return      # no publication yet: nothing to tell, nothing to scrub
    append(conn, [Change("ERASED", party_id, [], {"erased": True})], f"request:{request_id}",
           None)
    scrub(conn, party_id)
    conn.execute("delete from events.published_customer where party_id = ?", [party_id])


def created_by_identify(conn: Connection, party_id: str, values: dict[str, Any]) -> None:
    """A party identification just created (in the caller's transaction): its CREATED
    event, and its place in the publication so that the nightly does not announce it
    twice."""
    customer = {f: values.get(f) for f in GOLDEN}
    conn.execute(f"insert into events.published_customer (party_id, {', '.join(GOLDEN)}) "
                 f"values (?, {', '.join('?' for _ in GOLDEN)})",
                 [party_id, *customer.values()])
    append(conn, [Change("CREATED", party_id, list(GOLDEN), {"customer": customer})],
           "identify", None)
