"""Stewardship users and roles (kept in the warehouse; the service adds credentials)."""

from __future__ import annotations

from ecif.stewardship.audit import log, now
from ecif.warehouse import Connection

ROLES = ("admin", "steward", "approver", "agent", "telesales", "analyst", "system")
REQUESTERS = ("admin", "steward", "approver")
APPROVERS = ("admin", "approver")


class StewardshipError(ValueError):
    """A request or decision that is refused; the message says why in one line."""


def add_user(conn: Connection, user: str, role: str, actor: str) -> None:
    """Only an admin gives roles; the very first user (the platform's admin) bootstraps."""
    if conn.scalar("select count(*) from stewardship.app_user") and role_of(conn, actor) != "admin":
        raise StewardshipError(f"{actor} is not an admin and may not give roles")
    if role not in ROLES:
        raise StewardshipError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    conn.execute("delete from stewardship.app_user where user_name = ?", [user])
    conn.execute("insert into stewardship.app_user values (?, ?, ?)", [user, role, now()])
    log(conn, actor, "USER_ROLE", detail=f"{user} is {role}")


def role_of(conn: Connection, user: str) -> str:
    role = conn.scalar("select role from stewardship.app_user where user_name = ?", [user])
    if role is None:
        raise StewardshipError(f"unknown user {user!r}: add it with `ecif steward user-add`")
    return role
