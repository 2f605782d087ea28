"""Stewardship users: their roles, and their lifecycle (add, password reset, disable,
enable, delete, role change), each step audited with who did it to whom and when.

Roles are those of reference_data/seeds/role_permission.csv. A role change is a
request like any other (maker–checker, ecif.stewardship.requests); the other steps
are an admin's alone. Whoever created an account or reset its password knows that
password for a while: for RECENTLY such a pair of users may not decide each other's
requests (check_independent).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ecif.masking import permissions
from ecif.service import accounts
from ecif.service.passwords import check_policy
from ecif.stewardship.audit import log, now
from ecif.translation import N_, Message
from ecif.warehouse import Connection

ROLES = tuple(permissions())     # the roles of role_permission.csv, in its order
REQUESTERS = ("admin", "steward", "approver")
APPROVERS = ("admin", "approver")
# the audit actions after which the actor knows the subject's password
KNOWS_PASSWORD = ("USER_ADD", "PASSWORD_RESET")
RECENTLY = timedelta(hours=24)


# also the portal's answer to a registration under a taken name
USER_NAME_TAKEN = N_("user name {user} is taken: choose another")


class StewardshipError(ValueError):
    """A request or decision that is refused; the message says why in one line. It is a
    message of the catalog (ecif/locale) with its {fields} given apart, so that the pages
    show it in the reader's language (`message`); str() is the English text."""

    def __init__(self, message: str, **fields: object) -> None:
        self.message = Message(message, **fields)
        super().__init__(self.message)


def add_user(conn: Connection, user: str, role: str, password: str, owner_code: str | None,
             actor: str | None) -> None:
    """Only an admin adds users; the very first one (no users yet) bootstraps the
    platform without a login and must be an admin. A bad role, owner code or password
    raises a plain ValueError (WeakPassword for the password)."""
    bootstrap = not conn.scalar("select count(*) from stewardship.app_user")
    if bootstrap and role != "admin":
        raise StewardshipError(N_("the first user must be an admin"))
    if not bootstrap:
        check_admin(conn, actor, N_("add users"))
    check_role(role, owner_code)
    if conn.scalar("select count(*) from stewardship.app_user where user_name = ?", [user]):
        raise StewardshipError(N_("user {user} exists: reset its password or change its "
                                  "role instead"), user=user)
    check_policy(user, password)
    conn.execute("insert into stewardship.app_user values (?, ?, ?)", [user, role, now()])
    accounts.add_account(conn, user, password, owner_code)
    log(conn, actor or user, "USER_ADD", subject_user=user,
        detail=f"{role}" + (f" owning {owner_code}" if owner_code else ""))


def register_customer(conn: Connection, user: str, password: str, party_id: str) -> None:
    """A portal customer registers themselves (no admin): a `customer` account bound to
    the one party identification found or created for them. One account per party."""
    check_policy(user, password)
    if conn.scalar("select count(*) from stewardship.app_user where user_name = ?", [user]):
        raise StewardshipError(USER_NAME_TAKEN, user=user)
    if conn.scalar("select count(*) from stewardship.app_user u join security.account a "
                   "on a.user_name = u.user_name where u.role = 'customer' "
                   "and a.owner_code = ?", [party_id]):
        raise StewardshipError(N_("this customer has a portal account already: log in with it"))
    conn.execute("insert into stewardship.app_user values (?, 'customer', ?)", [user, now()])
    accounts.add_account(conn, user, password, party_id)
    log(conn, user, "CUSTOMER_REGISTER", subject_user=user, party_id=party_id)


def reset_password(conn: Connection, user: str, password: str, actor: str) -> None:
    """An admin resets anyone's password, a user changes their own; either way every
    token of the user is revoked."""
    role_of(conn, user)
    if actor != user:
        check_admin(conn, actor, N_("reset another user's password"))
    check_policy(user, password)
    accounts.set_password(conn, user, password)
    log(conn, actor, "PASSWORD_RESET" if actor != user else "PASSWORD_CHANGE",
        subject_user=user)


def set_disabled(conn: Connection, user: str, disabled: bool, actor: str) -> None:
    """A disabled user can neither log in nor use a token it holds."""
    role_of(conn, user)
    check_admin(conn, actor, N_("disable or enable users"))
    if user == actor:
        raise StewardshipError(N_("{actor} may not disable or enable themselves"), actor=actor)
    conn.execute("update security.account set disabled = ? where user_name = ?",
                 [disabled, user])
    if disabled:
        accounts.revoke_all(conn, user)
    log(conn, actor, "USER_DISABLE" if disabled else "USER_ENABLE", subject_user=user)


def delete_user(conn: Connection, user: str, actor: str) -> None:
    """Only a user with no pending requests (theirs would lose their maker)."""
    role_of(conn, user)
    check_admin(conn, actor, N_("delete users"))
    if user == actor:
        raise StewardshipError(N_("{actor} may not delete themselves"), actor=actor)
    pending = conn.fetchall("select request_id from stewardship.request where status = "
                            "'PENDING' and requested_by = ? order by 1", [user])
    if pending:
        raise StewardshipError(N_("{user} has pending requests ({requests}): decide them first"),
                               user=user, requests=", ".join(str(r[0]) for r in pending))
    accounts.revoke_all(conn, user)
    for table in ("security.account", "stewardship.app_user"):
        conn.execute(f"delete from {table} where user_name = ?", [user])
    log(conn, actor, "USER_DELETE", subject_user=user)


def change_role(conn: Connection, user: str, role: str, owner_code: str | None,
                actor: str) -> None:
    """The effect of an approved ROLE request: the new role, and no token of the old."""
    role_of(conn, user)
    check_role(role, owner_code)
    conn.execute("update stewardship.app_user set role = ? where user_name = ?", [role, user])
    conn.execute("update security.account set owner_code = ? where user_name = ?",
                 [owner_code, user])
    accounts.revoke_all(conn, user)
    log(conn, actor, "ROLE_CHANGE", subject_user=user, detail=f"now {role}")


def list_users(conn: Connection) -> list[tuple]:
    """(user, role, owner code, disabled, locked until, created at), by name."""
    return conn.fetchall(
        "select u.user_name, u.role, a.owner_code, coalesce(a.disabled, false), "
        "a.locked_until, u.created_at from stewardship.app_user u "
        "left join security.account a on a.user_name = u.user_name order by 1")


def check_independent(conn: Connection, requester: str, decider: str,
                      at: datetime | None = None) -> None:
    """A user never decides their own request, nor one of a user whose password they
    set (created or reset) within RECENTLY, nor one of a user who set theirs."""
    if decider == requester:
        raise StewardshipError(N_("{decider} made the request and may not decide it"),
                               decider=decider)
    knows = conn.scalar(
        "select count(*) from stewardship.audit_log where action in (?, ?) and logged_at > ? "
        "and ((actor = ? and subject_user = ?) or (actor = ? and subject_user = ?))",
        [*KNOWS_PASSWORD, (at or now()) - RECENTLY, decider, requester, requester, decider])
    if knows:
        raise StewardshipError(N_("{decider} and {requester} may not decide each other's "
                                  "requests: one set the other's password less than {hours} "
                                  "hours ago"), decider=decider, requester=requester,
                               hours=f"{RECENTLY.total_seconds() / 3600:.0f}")


def check_role(role: str, owner_code: str | None) -> None:
    """Bad input (a ValueError, not a refusal): the API answers 422."""
    if role not in ROLES:
        raise ValueError(f"role: unknown role {role!r}: one of {', '.join(ROLES)}")
    if role in accounts.SCOPED_ROLES and not owner_code:
        raise ValueError(f"owner_code: a {role} needs the agent code or seat it owns")


def check_admin(conn: Connection, actor: str | None, what: str) -> None:
    if actor is None or role_of(conn, actor) != "admin":
        raise StewardshipError(N_("{actor} is not an admin and may not {what}"),
                               actor=actor or Message(N_("nobody")), what=Message(what))


def role_of(conn: Connection, user: str) -> str:
    role = conn.scalar("select role from stewardship.app_user where user_name = ?", [user])
    if role is None:
        raise StewardshipError(N_("unknown user '{user}': add it with `ecif steward user-add`"),
                               user=user)
    return role
