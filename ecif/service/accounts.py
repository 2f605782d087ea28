"""Service accounts: the stewardship users (stewardship.app_user holds the role) with
a password hash and, for agents and telesales seats, the code their rows are scoped
by (`security.account`)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from ecif.service.passwords import hash_password, verify_password
from ecif.stewardship.tables import ensure_tables as ensure_stewardship_tables
from ecif.warehouse import Connection

# roles whose rows are limited to what they own, and by which code
SCOPED_ROLES = ("agent", "telesales")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    owner_code: str | None   # agent_code of an agent, assigned seat of a telesales user


def ensure_tables(conn: Connection) -> None:
    ensure_stewardship_tables(conn)
    conn.execute("create schema if not exists security")
    conn.execute("""create table if not exists security.account (
        user_name text primary key,
        password_hash text not null,
        owner_code text)""")


def set_password(conn: Connection, user_name: str, password: str,
                 owner_code: str | None = None) -> None:
    """The user must already have a role (`ecif steward user-add`)."""
    ensure_tables(conn)
    role = conn.scalar("select role from stewardship.app_user where user_name = ?", [user_name])
    if role is None:
        raise ValueError(f"unknown user {user_name!r}: give it a role first "
                         "(`ecif steward user-add`)")
    if role in SCOPED_ROLES and not owner_code:
        raise ValueError(f"{user_name} is {role}: give the agent code or seat it owns")
    conn.execute("delete from security.account where user_name = ?", [user_name])
    conn.execute("insert into security.account values (?, ?, ?)",
                 [user_name, hash_password(password), owner_code])


def authenticate(conn: Connection, user_name: str, password: str) -> User | None:
    row = conn.fetchone("select password_hash from security.account where user_name = ?",
                        [user_name])
    if row is None or not verify_password(password, row[0]):
        return None
    return load_user(conn, user_name)


def load_user(conn: Connection, user_name: str) -> User | None:
    """The user's role and owner code as they are now (RecentUsers keeps them briefly)."""
    row = conn.fetchone(
        "select u.user_name, u.role, a.owner_code from stewardship.app_user u "
        "join security.account a on a.user_name = u.user_name where u.user_name = ?",
        [user_name])
    return User(*row) if row else None


class RecentUsers:
    """Each request's user, as read from the warehouse at most FRESHNESS seconds ago.

    Reading the role costs about as much as a whole identification (a join, on DuckDB
    ~0.7 ms), so it is not read again for every request: a changed role or a removed
    user takes effect within FRESHNESS seconds, not at once. A user not yet seen (or
    not found) is always read.
    """

    FRESHNESS = 1.0     # seconds

    def __init__(self) -> None:
        self._read: dict[str, tuple[float, User]] = {}
        self._lock = threading.Lock()

    def get(self, user_name: str) -> User | None:
        with self._lock:
            read_at, user = self._read.get(user_name, (0.0, None))
        return user if time.monotonic() - read_at < self.FRESHNESS else None

    def put(self, user: User) -> None:
        with self._lock:
            self._read[user.name] = (time.monotonic(), user)
