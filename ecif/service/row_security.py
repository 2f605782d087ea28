"""Row-level security on PostgreSQL: the second, independent layer of row scoping.

The build sets it up, never the service (dbt_project/macros/row_security.sql, post-hooks
of the tables the service reads): one NOLOGIN role per application role
(`ecif_app_agent`, `ecif_app_analyst`…), SELECT granted to those roles only, and
policies naming them. Unscoped roles see every row; agents and telesales seats the
parties they own (the rule of ecif.service.scoping, enforced a second time).

The service reads through one login, `ecif_reader`: NOINHERIT, so it holds no privilege
of its own and reads nothing until it takes the request's role with SET ROLE; not a
superuser and without CREATEROLE, so it can neither grant itself another role nor
become the tables' owner; it must have a password. The owner code of an agent or seat
is the `ecif.owner` setting the service sets for the request.

Trust model: the login is the service's, not an end user's. Whoever holds its password
can take any application role and any owner code, so the password is a service secret
(ECIF_SERVICE_READER_URL) and pg_hba.conf admits the login only from the service's host
with scram-sha-256 (README, Security). Settings a session can set itself (`ecif.role`
and the like) choose nothing: the policies read the current role.
"""

from __future__ import annotations

import re

from psycopg import sql

from ecif.masking import permissions
from ecif.service.accounts import User
from ecif.warehouse import Connection

READER_LOGIN = "ecif_reader"
_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def app_role(role: str) -> str:
    """The PostgreSQL role of an application role (macro app_role)."""
    if role not in permissions() or not _NAME.fullmatch(role):
        raise ValueError(f"no database role for application role {role!r}")
    return f"ecif_app_{role}"


def create_reader(conn: Connection, password: str, login: str = READER_LOGIN) -> None:
    """Create or update the service's login and let it take every application role.
    Run once by the warehouse's administrator (a role that may create roles)."""
    if not password:
        raise ValueError("the reader login needs a password")
    if not _NAME.fullmatch(login):
        raise ValueError(f"reader login {login!r}: lower-case letters, digits and _ only")
    roles = [app_role(r) for r in sorted(permissions())]
    with conn.transaction():
        for role in [*roles, login]:
            if conn.scalar("select 1 from pg_roles where rolname = ?", [role]) is None:
                conn.execute(f"create role {role} nologin")
        conn.raw.execute(sql.SQL(
            "alter role {} login password {} noinherit nosuperuser nocreaterole nocreatedb "
            "nobypassrls").format(sql.Identifier(login), sql.Literal(password)))
        conn.execute(f"grant {', '.join(roles)} to {login}")


def act_as(conn: Connection, user: User) -> None:
    """Take the user's role on the reader's connection, which serves this request only."""
    conn.execute(f"set role {app_role(user.role)}")
    conn.execute("select set_config('ecif.owner', ?, false)", [user.owner_code or ""])
