"""Row-level security on PostgreSQL: the second, independent layer of row scoping.

The service reads customer data through a login role without superuser or ownership
rights (`ecif_reader`), so PostgreSQL's policies apply to it. Each request sets
`ecif.role` and `ecif.owner` on its own connection; every table the reader may
select has a policy calling `security.may_see(party)`, a SECURITY DEFINER function
that applies the ownership rule of ecif.service.scoping. Unset settings see nothing.

dbt rebuilds the marts as new tables each night, which drops their grants and
policies together: until `ensure` runs again the reader is refused outright (it
fails closed, it never sees an unprotected table). The service re-applies them when
it finds its grant gone.
"""

from __future__ import annotations

import re

from ecif.service.accounts import SCOPED_ROLES
from ecif.service.scoping import OWNING_MENTIONS
from ecif.stewardship.users import ROLES
from ecif.warehouse import Connection

READER_ROLE = "ecif_reader"

# every table the reader may select, with the column naming the party a row is about
SCOPED_TABLES = {
    "marts.customer": "party_id",
    "marts.customer_360": "party_id",
    "marts.customer_contact": "party_id",
    "marts.customer_xref": "party_id",
    "marts.policy_summary": "holder_party_id",
    "marts.customer_event": "party_id",
    "intermediate.int_mention_party": "party_id",
}


def _may_see_function() -> str:
    unscoped = ", ".join(f"'{r}'" for r in ROLES if r not in SCOPED_ROLES)
    owned = " or ".join(f"(current_setting('ecif.role', true) = '{role}' and {condition})"
                        for role, condition in OWNING_MENTIONS.items())
    return f"""
create or replace function security.may_see(target text) returns boolean
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
    select current_setting('ecif.role', true) in ({unscoped})
        or exists (
            select 1 from intermediate.int_mention_party as mention
            where mention.party_id = target
              and mention.agent_code = current_setting('ecif.owner', true)
              and ({owned}))
$$"""


def ensure(conn: Connection, reader: str = READER_ROLE) -> None:
    """Create the reader role, the function, grants and policies (idempotent).
    Run as the warehouse's owner, inside one transaction."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", reader):
        raise ValueError(f"reader role {reader!r}: lower-case letters, digits and _ only")
    with conn.transaction():
        # roles are cluster-wide: another database may have created it concurrently
        conn.execute(f"""do $$ begin create role {reader} login;
                         exception when duplicate_object or unique_violation then null; end $$""")
        conn.execute("create schema if not exists security")
        conn.execute(_may_see_function())
        for schema in ("marts", "intermediate", "security"):
            conn.execute(f"grant usage on schema {schema} to {reader}")
        for table, column in SCOPED_TABLES.items():
            if not conn.table_exists(*table.split(".")):
                continue    # not built yet: the reader has no grant on it either
            conn.execute(f"alter table {table} enable row level security")
            conn.execute(f"drop policy if exists ecif_owner on {table}")
            conn.execute(f"create policy ecif_owner on {table} for select "
                         f"using (security.may_see({column}))")
            conn.execute(f"grant select on {table} to {reader}")


def protected(conn: Connection) -> bool:
    """Whether the connected reader still holds its grants (false after a rebuild)."""
    checks = " and ".join(f"coalesce(has_table_privilege(to_regclass('{t}'), 'select'), false)"
                          for t in SCOPED_TABLES)
    return bool(conn.scalar(f"select {checks}"))


def set_identity(conn: Connection, role: str, owner_code: str | None) -> None:
    """Session settings the policies read; the connection serves one request only."""
    conn.execute("select set_config('ecif.role', ?, false), set_config('ecif.owner', ?, false)",
                 [role, owner_code or ""])
