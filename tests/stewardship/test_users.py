"""The user lifecycle on both engines: adding a user that exists is refused, password
resets and role changes are audited and revoke tokens, whoever set a password may not
decide that user's requests for a day, lockout after failed logins, disable, enable,
delete and list."""

from datetime import timedelta

import pytest
from typer.testing import CliRunner

from ecif.cli import app
from ecif.service import accounts, passwords, tokens
from ecif.service.accounts import LoginPolicy
from ecif.service.passwords import WeakPassword
from ecif.stewardship import service
from ecif.stewardship.audit import now
from ecif.stewardship.users import StewardshipError

PASSWORD = "correct horse battery"
OTHER = "another long passphrase"
POLICY = LoginPolicy(max_failures=3, lock_minutes=10)


def fetch(warehouse, sql, params=None):
    with warehouse.connect() as conn:
        return conn.fetchall(sql, params)


def audit(warehouse, action):
    return fetch(warehouse, "select actor, subject_user, logged_at from stewardship.audit_log "
                            "where action = ? order by logged_at", [action])


def log_in(warehouse, user, password=PASSWORD, at=None):
    with warehouse.connect() as conn:
        return accounts.authenticate(conn, user, password, POLICY, at)


def identity(warehouse, user):
    with warehouse.connect() as conn:
        return accounts.load_identity(conn, user)


@pytest.fixture
def users(warehouse):
    service.user_add(warehouse, "root", "admin", PASSWORD, None)     # bootstrap: no login
    for name, role in (("root2", "admin"), ("stew", "steward"), ("appr", "approver")):
        service.user_add(warehouse, name, role, PASSWORD, "root")
    return warehouse


def test_the_first_user_must_be_an_admin_and_later_ones_need_an_admin(warehouse):
    with pytest.raises(StewardshipError, match="first user must be an admin"):
        service.user_add(warehouse, "stew", "steward", PASSWORD, None)
    service.user_add(warehouse, "root", "admin", PASSWORD, None)
    with pytest.raises(StewardshipError, match="nobody is not an admin"):
        service.user_add(warehouse, "stew", "steward", PASSWORD, None)
    service.user_add(warehouse, "stew", "steward", PASSWORD, "root")
    with pytest.raises(StewardshipError, match="stew is not an admin"):
        service.user_add(warehouse, "stew2", "steward", PASSWORD, "stew")


def test_adding_a_user_that_exists_is_refused_and_keeps_its_password(users):
    with pytest.raises(StewardshipError, match="user appr exists"):
        service.user_add(users, "appr", "approver", OTHER, "root")
    assert log_in(users, "appr", OTHER) is None
    assert log_in(users, "appr").role == "approver"
    assert [(a, s) for a, s, _ in audit(users, "USER_ADD")] == [
        ("root", "root"), ("root", "root2"), ("root", "stew"), ("root", "appr")]


def test_the_password_policy(users):
    for weak, rule in (("short pw 1", "at least 12"), ("xx stew2 long enough", "user name"),
                       ("Password1234", "too common")):
        with pytest.raises(WeakPassword, match=rule):
            service.user_add(users, "stew2", "steward", weak, "root")
    assert fetch(users, "select count(*) from stewardship.app_user "
                        "where user_name = 'stew2'") == [(0,)]


def test_a_reset_is_audited_and_revokes_every_token(users):
    before = identity(users, "appr")
    token = tokens.issue("appr", before.generation, "s" * 32)
    assert before.accepts(tokens.claims(token, "s" * 32))
    with pytest.raises(StewardshipError, match="stew is not an admin"):
        service.user_password(users, "appr", OTHER, "stew")
    service.user_password(users, "appr", OTHER, "root")
    assert not identity(users, "appr").accepts(tokens.claims(token, "s" * 32))
    assert log_in(users, "appr") is None and log_in(users, "appr", OTHER) is not None
    ((actor, subject, at),) = audit(users, "PASSWORD_RESET")
    assert (actor, subject) == ("root", "appr") and abs(at - now()) < timedelta(minutes=1)


@pytest.mark.parametrize("how", ["created", "reset"])
def test_no_one_decides_the_request_of_a_user_whose_password_they_set(users, how):
    """The bypass: an admin sets an approver's password, logs in as the approver and
    approves the admin's own request. Refused for 24 hours, either way round."""
    if how == "created":
        service.user_add(users, "appr2", "approver", PASSWORD, "root")
    else:
        service.user_add(users, "appr2", "approver", PASSWORD, "root2")
        service.user_password(users, "appr2", OTHER, "root")
    asked = service.request_role(users, "stew", "approver", None, "root", "covers holidays")
    with pytest.raises(StewardshipError, match="one set the other's password"):
        service.approve(users, asked, "appr2")
    # an admin whose password root set may not approve root's request either
    with pytest.raises(StewardshipError, match="one set the other's password"):
        service.approve(users, asked, "root2",
                        at=now() if how == "created" else now() - timedelta(days=2))
    assert fetch(users, "select status from stewardship.request") == [("PENDING",)]
    service.approve(users, asked, "appr2", at=now() + timedelta(hours=25))
    # a role change touches no customer data: nothing to rebuild, applied at once
    assert fetch(users, "select status from stewardship.request") == [("APPLIED",)]


def test_a_role_change_is_maker_checker_and_revokes_the_users_tokens(users):
    with pytest.raises(StewardshipError, match="stew is not an admin"):
        service.request_role(users, "appr", "steward", None, "stew", "x")
    with pytest.raises(ValueError, match="owner_code"):
        service.request_role(users, "stew", "telesales", None, "root", "x")
    generation = identity(users, "stew").generation
    asked = service.request_role(users, "stew", "marketing", None, "root", "moves to marketing")
    assert identity(users, "stew").user.role == "steward"       # nothing until approved
    own = service.request_role(users, "appr", "admin", None, "root", "wants more")
    with pytest.raises(StewardshipError, match="may not decide a change of their own role"):
        service.approve(users, own, "appr", at=now() + timedelta(days=2))
    service.approve(users, asked, "appr", at=now() + timedelta(days=2))
    after = identity(users, "stew")
    assert after.user.role == "marketing" and after.generation == generation + 1
    assert [(a, s) for a, s, _ in audit(users, "ROLE_CHANGE")] == [("appr", "stew")]


def test_failed_logins_lock_the_account_for_a_while(users):
    start = now()
    for _ in range(POLICY.max_failures):
        assert log_in(users, "stew", "wrong password!", at=start) is None
    assert log_in(users, "stew", at=start + timedelta(minutes=1)) is None   # right, but locked
    assert [(a, s) for a, s, _ in audit(users, "LOGIN_LOCKED")] == [("stew", "stew")]
    assert log_in(users, "stew", at=start + timedelta(minutes=11)).name == "stew"
    # a success starts the count again
    for _ in range(POLICY.max_failures - 1):
        assert log_in(users, "stew", "wrong password!") is None
    assert log_in(users, "stew") is not None


def test_an_unknown_user_costs_a_password_check_too(users, monkeypatch):
    checked = []
    real = passwords.verify_password

    def counting(password, stored):
        checked.append(stored)
        return real(password, stored)
    monkeypatch.setattr(accounts, "verify_password", counting)
    assert log_in(users, "nobody") is None
    assert checked == [passwords.dummy_hash()]


def test_disable_enable_delete_and_list(users):
    generation = identity(users, "stew").generation
    service.user_disable(users, "stew", True, "root")
    assert log_in(users, "stew") is None and identity(users, "stew") is None
    service.user_disable(users, "stew", False, "root")
    assert log_in(users, "stew") is not None
    assert identity(users, "stew").generation == generation + 1    # old tokens stay dead
    with pytest.raises(StewardshipError, match="may not disable or enable themselves"):
        service.user_disable(users, "root", True, "root")
    service.user_add(users, "mkt", "marketing", PASSWORD, "root")
    listed = {row[0]: row[1:4] for row in service.user_list(users, "root")}
    assert listed["mkt"] == ("marketing", None, False)
    with pytest.raises(StewardshipError, match="not an admin"):
        service.user_list(users, "stew")
    request = service.request_role(users, "mkt", "analyst", None, "root", "x")
    with pytest.raises(StewardshipError, match=f"root has pending requests \\({request}\\)"):
        service.user_delete(users, "root", "root2")
    service.reject(users, request, "appr", "no", at=now() + timedelta(days=2))
    service.user_delete(users, "mkt", "root")
    assert "mkt" not in {row[0] for row in service.user_list(users, "root")}
    assert [a for a in ("USER_DISABLE", "USER_ENABLE", "USER_DELETE")
            if audit(users, a)] == ["USER_DISABLE", "USER_ENABLE", "USER_DELETE"]


def test_the_cli_bootstraps_logs_in_and_a_reset_ends_the_session(warehouse, tmp_path):
    """Two OS users, each with their own token file: root (admin) and stew."""
    runner = CliRunner()

    def as_(who, *args, password=PASSWORD):
        return runner.invoke(app, [*args, "--warehouse", warehouse.url], input=password + "\n",
                             env={"ECIF_TOKEN_FILE": str(tmp_path / who / "tokens.json")})

    assert as_("root", "steward", "user-add", "root", "--role", "admin",
               "--password-stdin").exit_code == 0               # the first: no login
    refused = as_("root", "steward", "user-add", "stew", "--role", "steward", "--password-stdin")
    assert refused.exit_code == 1 and "run `ecif login` first" in refused.output
    assert as_("root", "login", "--user", "root", "--password-stdin").exit_code == 0
    assert as_("root", "steward", "user-add", "stew", "--role", "steward",
               "--password-stdin").exit_code == 0
    assert as_("stew", "login", "--user", "stew", "--password-stdin").exit_code == 0
    assert as_("stew", "steward", "tasks").exit_code == 0
    assert as_("root", "steward", "password", "stew", "--password-stdin",
               password=OTHER).exit_code == 0
    ended = as_("stew", "steward", "tasks")
    assert ended.exit_code == 1 and "run `ecif login` first" in ended.output
    assert as_("root", "steward", "user-disable", "stew").exit_code == 0
    assert as_("stew", "login", "--user", "stew", "--password-stdin",
               password=OTHER).exit_code == 1
    assert as_("root", "steward", "user-enable", "stew").exit_code == 0
    assert as_("stew", "login", "--user", "stew", "--password-stdin",
               password=OTHER).exit_code == 0
    asked = as_("root", "steward", "user-role", "stew", "--role", "analyst", "--reason", "moves")
    assert asked.exit_code == 0 and "pending approval" in asked.output
    assert "stew" in as_("root", "steward", "user-list").output
