"""The `stewardship` schema: requests and their decisions, users, the effects that
later nightly runs enforce (attribute overrides, party status, manual customers),
relationships and parent companies kept by hand, the assignment saved before each
decision (for rollback) and the audit trail.

Kept beside the package rather than in it: the pipeline creates these tables too (dbt
reads them before any steward acted) and must not reach into ecif.stewardship."""

from __future__ import annotations

from ecif.warehouse import Connection
from matching.link_constraints import ensure_table as ensure_link_constraints

DDL = (
    """create table if not exists stewardship.app_user (
        user_name text primary key,
        role text not null,
        created_at timestamp not null)""",
    # one row per request; status PENDING → APPROVED | REJECTED, APPROVED → APPLIED once the
    # runner published its rebuild (ecif.rebuild_queue), later ROLLED_BACK | REVOKED
    """create table if not exists stewardship.request (
        request_id bigint primary key,
        kind text not null,
        payload text not null,
        reason text,
        status text not null,
        requested_by text not null,
        requested_at timestamp not null,
        decided_by text,
        decided_at timestamp,
        decision_note text)""",
    # the golden value a steward set; it wins over survivorship until a source
    # delivers a newer value (business_date after effective_date)
    """create table if not exists stewardship.attribute_override (
        party_id text not null,
        attribute text not null,
        override_value text,
        effective_date text not null,
        request_id bigint not null,
        origin text not null,
        revoked boolean not null)""",
    """create table if not exists stewardship.party_status (
        party_id text not null,
        status text not null,
        request_id bigint not null,
        changed_at timestamp not null)""",
    # customers created by hand: a source of their own (source_system 'steward')
    """create table if not exists stewardship.manual_customer (
        manual_key text primary key,
        party_type text not null,
        name text,
        id_type text,
        id_no text,
        gender text,
        birth_date date,
        mobile text,
        request_id bigint not null,
        created_at timestamp not null)""",
    # identifiers no source system keeps (a portal user name) that identification was
    # given with a party: kept on one mention of the party, so the key follows that
    # mention through later nightly runs, merges and splits
    """create table if not exists stewardship.identity_key (
        key_type text not null,
        key_value text not null,
        party_type text not null,
        mention_id text not null,
        created_at timestamp not null,
        primary key (key_type, key_value, party_type))""",
    # 关系与组合, 企业层级 by hand: RELATIONSHIP rows (party, related party, type) and
    # PARENT rows (company, parent company; none: no parent). The newest row per
    # relationship, or per company for PARENT, wins over what the sources say; active
    # false ends it. Parties are kept by a mention of theirs too, so a link follows
    # its parties when a later merge or rollback gives them other ids.
    """create table if not exists stewardship.manual_link (
        link_kind text not null,
        party_id text not null,
        party_mention text not null,
        related_party_id text,
        related_mention text,
        relationship_type text,
        active boolean not null,
        request_id bigint not null,
        changed_at timestamp not null)""",
    """create table if not exists stewardship.assignment_before (
        request_id bigint not null,
        mention_id text not null,
        party_id text not null)""",
    # append-only; values masked; subject_user: whom a user-lifecycle action concerns
    """create table if not exists stewardship.audit_log (
        logged_at timestamp not null,
        actor text not null,
        action text not null,
        request_id bigint,
        party_id text,
        detail text,
        subject_user text)""",
)


def ensure_tables(conn: Connection) -> None:
    conn.execute("create schema if not exists stewardship")
    for statement in DDL:
        conn.execute(statement)
    add_missing_columns(conn, "stewardship", "audit_log", {"subject_user": "text"})
    ensure_link_constraints(conn)


def add_missing_columns(conn: Connection, schema: str, table: str,
                        columns: dict[str, str]) -> None:
    """Columns added since a warehouse was made; only when missing (an ALTER locks the
    table even when it changes nothing, and this runs while the service reads)."""
    present = set(conn.columns(schema, table))
    for column, definition in columns.items():
        if column not in present:
            conn.execute(f"alter table {schema}.{table} add column {column} {definition}")
