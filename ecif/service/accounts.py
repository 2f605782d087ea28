"""Credentials of the stewardship users (stewardship.app_user holds the role): a
password hash, for agents and telesales seats the code their rows are scoped by,
whether the user is disabled, the failed logins that lock it for a while, and the
tokens it holds (`security.*`). Checked the same way by the service and the CLI."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from ecif.service.passwords import dummy_hash, hash_password, verify_password
from ecif.service.tokens import LIFETIME, Claims
from ecif.settings import Settings
from ecif.stewardship.audit import log, now
from ecif.stewardship_schema import add_missing_columns
from ecif.stewardship_schema import ensure_tables as ensure_stewardship_tables
from ecif.warehouse import Connection

# roles whose rows are limited to what they own, and by which code (a portal customer's
# code is the party id the account is bound to)
SCOPED_ROLES = ("agent", "telesales", "customer")

# added after the first release: warehouses made before get them (add_missing_columns)
ACCOUNT_STATE = {"disabled": "boolean default false", "token_generation": "integer default 0",
                 "failed_logins": "integer default 0", "locked_until": "timestamp"}
DDL = (
    """create table if not exists security.account (
        user_name text primary key,
        password_hash text not null,
        owner_code text)""",
    # tokens revoked one by one (logout), kept until they would have expired anyway
    """create table if not exists security.revoked_token (
        jti text primary key,
        user_name text not null,
        expires_at timestamp not null)""",
    # `ecif login`: the CLI's tokens, stored hashed (a copy of the table logs no one in)
    """create table if not exists security.cli_session (
        token_hash text primary key,
        user_name text not null,
        generation integer not null,
        expires_at timestamp not null)""",
)


@dataclass(frozen=True)
class User:
    name: str
    role: str
    owner_code: str | None   # agent_code of an agent, assigned seat of a telesales user,
                             # party_id of a portal customer


@dataclass(frozen=True)
class LoginPolicy:
    """After max_failures wrong passwords in a row the account refuses every login,
    the right password included, for lock_minutes."""
    max_failures: int = Settings.login_max_failures
    lock_minutes: int = Settings.login_lock_minutes

    @classmethod
    def from_settings(cls, chosen: Settings) -> LoginPolicy:
        return cls(chosen.login_max_failures, chosen.login_lock_minutes)


@dataclass(frozen=True)
class Identity:
    """A user as the token check needs it: enabled (or it is not loaded at all), the
    current token generation and the ids of its tokens revoked one by one."""
    user: User
    generation: int
    revoked: frozenset[str]

    def accepts(self, claims: Claims) -> bool:
        return claims.generation == self.generation and claims.jti not in self.revoked


def ensure_tables(conn: Connection) -> None:
    ensure_stewardship_tables(conn)
    conn.execute("create schema if not exists security")
    for statement in DDL:
        conn.execute(statement)
    add_missing_columns(conn, "security", "account", ACCOUNT_STATE)


def add_account(conn: Connection, user_name: str, password: str,
                owner_code: str | None) -> None:
    conn.execute("insert into security.account (user_name, password_hash, owner_code, "
                 "disabled, token_generation, failed_logins) values (?, ?, ?, false, 0, 0)",
                 [user_name, hash_password(password), owner_code])


def set_password(conn: Connection, user_name: str, password: str) -> None:
    """A new password ends every session of the user and lifts a lock."""
    conn.execute("update security.account set password_hash = ?, failed_logins = 0, "
                 "locked_until = null where user_name = ?", [hash_password(password), user_name])
    revoke_all(conn, user_name)


def revoke_all(conn: Connection, user_name: str) -> None:
    conn.execute("update security.account set token_generation = token_generation + 1 "
                 "where user_name = ?", [user_name])
    conn.execute("delete from security.cli_session where user_name = ?", [user_name])


def revoke(conn: Connection, claims: Claims) -> None:
    conn.execute("delete from security.revoked_token where expires_at < ?", [now()])
    conn.execute("insert into security.revoked_token values (?, ?, ?)",
                 [claims.jti, claims.user_name, claims.expires_at])


def authenticate(conn: Connection, user_name: str, password: str, policy: LoginPolicy,
                 at: datetime | None = None) -> User | None:
    """The user, if the password is right and the account enabled and not locked.

    Every refusal costs one password hash, so that its time does not tell whether the
    user exists or is locked; failures in a row lock the account (LoginPolicy)."""
    at = at or now()
    row = conn.fetchone("select password_hash, disabled, failed_logins, locked_until "
                        "from security.account where user_name = ?", [user_name])
    if row is None:
        verify_password(password, dummy_hash())
        return None
    stored, disabled, failures, locked_until = row
    right = verify_password(password, stored)
    if locked_until is not None and locked_until > at:
        return None
    if not right:
        failures = (failures or 0) + 1
        locks = failures >= policy.max_failures
        conn.execute("update security.account set failed_logins = ?, locked_until = ? "
                     "where user_name = ?",
                     [0 if locks else failures,
                      at + timedelta(minutes=policy.lock_minutes) if locks else None, user_name])
        if locks:
            log(conn, user_name, "LOGIN_LOCKED", subject_user=user_name,
                detail=f"{failures} wrong passwords in a row: locked {policy.lock_minutes} min")
        return None
    if failures or locked_until is not None:
        conn.execute("update security.account set failed_logins = 0, locked_until = null "
                     "where user_name = ?", [user_name])
    return None if disabled else load_user(conn, user_name)


def load_user(conn: Connection, user_name: str) -> User | None:
    """The enabled user's role and owner code as they are now."""
    identity = load_identity(conn, user_name)
    return identity.user if identity else None


def load_identity(conn: Connection, user_name: str) -> Identity | None:
    row = conn.fetchone(
        "select u.user_name, u.role, a.owner_code, a.token_generation "
        "from stewardship.app_user u join security.account a on a.user_name = u.user_name "
        "where u.user_name = ? and not a.disabled", [user_name])
    if row is None:
        return None
    revoked = conn.fetchall("select jti from security.revoked_token where user_name = ?",
                            [user_name])
    return Identity(User(*row[:3]), row[3], frozenset(r[0] for r in revoked))


def generation_of(conn: Connection, user_name: str) -> int:
    return int(conn.scalar("select token_generation from security.account where user_name = ?",
                           [user_name]))


def open_cli_session(conn: Connection, user: User) -> str:
    token = secrets.token_urlsafe(32)
    conn.execute("insert into security.cli_session values (?, ?, ?, ?)",
                 [_digest(token), user.name, generation_of(conn, user.name), now() + LIFETIME])
    return token


def cli_session_user(conn: Connection, token: str) -> User | None:
    """The enabled user a live CLI token belongs to (its generation still current)."""
    row = conn.fetchone(
        "select s.user_name from security.cli_session s join security.account a "
        "on a.user_name = s.user_name and a.token_generation = s.generation "
        "where s.token_hash = ? and s.expires_at > ?", [_digest(token), now()])
    return load_user(conn, row[0]) if row else None


def close_cli_session(conn: Connection, token: str) -> None:
    conn.execute("delete from security.cli_session where token_hash = ?", [_digest(token)])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RecentUsers:
    """Each request's identity, as read from the warehouse at most FRESHNESS seconds ago.

    Reading the role costs about as much as a whole identification (a join, on DuckDB
    ~0.7 ms), so it is not read again for every request: a change made elsewhere (the
    CLI, another service process) takes effect within FRESHNESS seconds; one made
    through this service at once (it forgets the user). A user not yet seen (or not
    found) is always read.
    """

    FRESHNESS = 1.0     # seconds

    def __init__(self) -> None:
        self._read: dict[str, tuple[float, Identity]] = {}
        self._lock = threading.Lock()

    def get(self, user_name: str) -> Identity | None:
        with self._lock:
            read_at, identity = self._read.get(user_name, (0.0, None))
        return identity if time.monotonic() - read_at < self.FRESHNESS else None

    def put(self, identity: Identity) -> None:
        with self._lock:
            self._read[identity.user.name] = (time.monotonic(), identity)

    def forget(self, user_name: str) -> None:
        with self._lock:
            self._read.pop(user_name, None)
