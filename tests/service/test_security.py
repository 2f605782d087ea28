"""Authentication and the browser's protections on the service: users that exist are
refused, logout and resets revoke tokens, disabled users and locked accounts are
refused, the API ignores the pages' cookie, forms need a CSRF token from this site,
and every answer carries the security headers."""

import pytest
from fastapi.testclient import TestClient

from ecif.service import accounts
from ecif.service.accounts import LoginPolicy
from ecif.service.app import create_app
from ecif.service.config import ServiceConfig
from ecif.service.pages import CSRF_COOKIE
from ecif.translation import gettext
from tests.service.conftest import PASSWORD, SECRET, login

OTHER = "another long passphrase"


def token(client, user, password=PASSWORD):
    return client.post("/v1/token", data={"username": user, "password": password})


def bearer(response):
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_adding_a_user_that_exists_is_409_and_keeps_the_password(client):
    root = login(client, "root")
    taken = client.post("/v1/users", headers=root, json={
        "user_name": "appr", "role": "approver", "password": OTHER})
    assert taken.status_code == 409 and "exists" in taken.json()["detail"]
    assert token(client, "appr", OTHER).status_code == 401
    assert token(client, "appr").status_code == 200
    weak = client.post("/v1/users", headers=root, json={
        "user_name": "new1", "role": "marketing", "password": "short"})
    assert weak.status_code == 422 and "12 characters" in weak.json()["detail"]
    assert client.post("/v1/users", headers=root, json={
        "user_name": "mkt1", "role": "marketing", "password": OTHER}).status_code == 201


def test_logout_revokes_the_token_and_only_that_one(client):
    first, second = bearer(token(client, "stew")), bearer(token(client, "stew"))
    assert client.post("/v1/logout", headers=first).status_code == 204
    assert client.get("/v1/tasks", headers=first).status_code == 401
    assert client.get("/v1/tasks", headers=second).status_code == 200


def test_reset_and_disable_revoke_and_refuse(client):
    root = login(client, "root")
    client.post("/v1/users", headers=root, json={
        "user_name": "temp", "role": "steward", "password": PASSWORD})
    held = bearer(token(client, "temp"))
    assert client.put("/v1/users/temp/password", headers=root,
                      json={"password": OTHER}).status_code == 204
    assert client.get("/v1/tasks", headers=held).status_code == 401
    held = bearer(token(client, "temp", OTHER))
    assert client.post("/v1/users/temp/disable", headers=root).status_code == 204
    assert client.get("/v1/tasks", headers=held).status_code == 401
    assert token(client, "temp", OTHER).status_code == 401
    assert client.post("/v1/users/temp/enable", headers=root).status_code == 204
    assert client.get("/v1/tasks", headers=bearer(token(client, "temp", OTHER))
                      ).status_code == 200
    listed = {u["user_name"]: u for u in client.get("/v1/users", headers=root).json()}
    assert listed["temp"]["role"] == "steward" and listed["temp"]["disabled"] is False
    assert client.get("/v1/users", headers=login(client, "stew")).status_code == 403
    assert client.delete("/v1/users/temp", headers=root).status_code == 204
    assert token(client, "temp", OTHER).status_code == 401


def test_a_role_change_waits_for_an_approver_then_revokes(client):
    """root set every fixture user's password today, so another admin asks."""
    root, approver = login(client, "root"), login(client, "appr")
    for name, role in (("admin2", "admin"), ("mover", "steward")):
        client.post("/v1/users", headers=root, json={
            "user_name": name, "role": role, "password": PASSWORD})
    held = bearer(token(client, "mover"))
    by_root = client.post("/v1/users/mover/role", headers=root,
                          json={"role": "analyst", "reason": "changed team"}).json()
    refused = client.post(f"/v1/requests/{by_root['request_id']}/approve", headers=approver,
                          json={})
    assert refused.status_code == 409 and "set the other's password" in refused.json()["detail"]
    asked = client.post("/v1/users/mover/role", headers=login(client, "admin2"),
                        json={"role": "analyst", "reason": "changed team"})
    assert asked.status_code == 201
    assert client.get("/v1/tasks", headers=held).status_code == 200       # not yet
    request_id = asked.json()["request_id"]
    approved = client.post(f"/v1/requests/{request_id}/approve", headers=approver, json={})
    assert approved.status_code == 200 and approved.json()["rebuilds_from"] is None
    assert approved.json()["status"] == "APPLIED"       # no customer data: nothing queued
    client.app.state.recent_users.forget("mover")       # as after RecentUsers.FRESHNESS
    assert client.get("/v1/tasks", headers=held).status_code == 401
    assert client.get("/v1/tasks", headers=bearer(token(client, "mover"))).status_code == 403


def test_repeated_failures_lock_the_account(service_warehouse, parties):
    policy = LoginPolicy(max_failures=3, lock_minutes=5)
    client = TestClient(create_app(ServiceConfig(service_warehouse, SECRET, None,
                                                 login_policy=policy)))
    client.post("/v1/users", headers=login(client, "root"), json={
        "user_name": "victim", "role": "analyst", "password": PASSWORD})
    for _ in range(3):
        assert token(client, "victim", "wrong guess 123").status_code == 401
    assert token(client, "victim").status_code == 401       # the right password, locked
    assert token(client, "ana").status_code == 200            # others are not


def test_an_unknown_user_is_checked_against_a_dummy_hash(client, monkeypatch):
    checked = []
    monkeypatch.setattr(accounts, "verify_password",
                        lambda password, stored: checked.append(stored) or False)
    assert token(client, "no-such-user").status_code == 401
    assert len(checked) == 1


def test_the_api_does_not_take_the_pages_cookie(client):
    cookie_token = token(client, "stew").json()["access_token"]
    client.cookies.set("ecif_token", cookie_token)
    try:
        assert client.get("/v1/tasks").status_code == 401
    finally:
        client.cookies.clear()


def steward_login(client, origin, csrf=None):
    page = client.get("/steward/login")
    form = {"username": "stew", "password": PASSWORD,
            "csrf_token": csrf if csrf is not None else page.cookies[CSRF_COOKIE]}
    return client.post("/steward/login", data=form, headers={"Origin": origin},
                       follow_redirects=False)


def test_forms_need_the_csrf_token_and_this_sites_origin(service_warehouse, parties):
    client = TestClient(create_app(ServiceConfig(service_warehouse, SECRET, None)))
    own = "http://testserver"
    assert steward_login(client, "https://evil.example").status_code == 403
    assert steward_login(client, own, csrf="guessed").status_code == 403
    page = client.get("/steward/login")
    no_origin = client.post("/steward/login", data={
        "username": "stew", "password": PASSWORD, "csrf_token": page.cookies[CSRF_COOKIE]},
        follow_redirects=False)
    assert no_origin.status_code == 403
    logged_in = steward_login(client, own)
    assert logged_in.status_code == 303 and "secure" not in logged_in.headers["set-cookie"]
    assert client.post("/steward/logout", data={"csrf_token": "x"},
                       headers={"Origin": own}).status_code == 403


def test_the_cookie_is_secure_over_tls(service_warehouse, parties):
    client = TestClient(create_app(ServiceConfig(service_warehouse, SECRET, None)),
                        base_url="https://testserver")
    logged_in = steward_login(client, "https://testserver")
    assert logged_in.status_code == 303
    assert all("secure" in c.lower() for c in logged_in.headers.get_list("set-cookie"))


def test_page_logout_revokes_the_session(service_warehouse, parties):
    client = TestClient(create_app(ServiceConfig(service_warehouse, SECRET, None)))
    own = "http://testserver"
    steward_login(client, own)
    session = client.cookies["ecif_token"]
    assert client.get("/steward/requests", follow_redirects=False).status_code == 200
    csrf = client.cookies[CSRF_COOKIE]
    assert client.post("/steward/logout", data={"csrf_token": csrf}, headers={"Origin": own},
                       follow_redirects=False).status_code == 303
    client.cookies.set("ecif_token", session)       # a copy kept by someone
    assert client.get("/steward/requests", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("path", ["/v1/tasks", "/steward/login", "/openapi.json",
                                  "/v1/customers/P0000000000"])
def test_every_answer_carries_the_security_headers(client, path):
    headers = client.get(path, headers=login(client, "stew")).headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_the_served_configuration_reads_every_setting_from_the_environment(monkeypatch,
                                                                           tmp_path):
    """`ecif serve` builds its configuration from the environment: the lockout policy,
    the Secure cookie and the request limits all reach it."""
    from ecif.service.config import from_settings
    from ecif.settings import current
    from ecif.warehouse import Warehouse

    for name, value in {"ECIF_LOGIN_MAX_FAILURES": "3", "ECIF_LOGIN_LOCK_MINUTES": "60",
                        "ECIF_SERVICE_SECURE_COOKIE": "1",
                        "ECIF_SERVICE_REQUESTS_PER_MINUTE": "7"}.items():
        monkeypatch.setenv(name, value)
    served = from_settings(Warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}"), current())
    assert served.login_policy == LoginPolicy(max_failures=3, lock_minutes=60)
    assert served.secure_cookie and served.requests_per_minute == 7


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_errors_stay_json_on_the_api_and_are_pages_in_the_readers_language_on_the_pages(
        service_warehouse, parties, lang):
    app = create_app(ServiceConfig(service_warehouse, SECRET, None))

    def fail() -> None:
        raise RuntimeError("a failure nobody foresaw")
    for prefix in ("/v1", "/steward", "/agent"):
        app.add_api_route(f"{prefix}/fail", fail)
    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/v1/no-such-thing").json() == {"detail": "Not Found"}
    refused = client.post("/v1/token", data={})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][0] == "body"
    assert client.get("/v1/fail").text == "Internal Server Error"
    _ = gettext(lang)
    for area in ("steward", "agent"):
        failed = client.get(f"/{area}/fail?lang={lang}")
        assert failed.status_code == 500 and failed.headers["content-type"].startswith(
            "text/html")
        assert f"<h1>{_('Something went wrong on our side: try again later')}</h1>" in failed.text
        assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in failed.text
        missing = client.get(f"/{area}/no-such-page")         # the language kept (cookie)
        assert missing.status_code == 404 and f"<h1>{_('Not found')}</h1>" in missing.text
