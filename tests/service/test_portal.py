"""客户门户 (issue 19 item 7): a customer registers (identification finds or creates
their party under the admission rules), reads their own policies, claims, value grade
and points, and changes their own contact details (checked by the staging rules,
audited, kept by the nightly run like a steward's change, a change event). A customer
never reads another party, by page or API. Generated sample data only."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from ecif.events import outbox
from ecif.identifiers import rid_check_char
from ecif.pipeline import build_marts, publish_step
from ecif.reference import read_seed
from ecif.service.portal import NOT_CONFIRMED, holds_mobile, points
from ecif.translation import gettext
from tests.service.conftest import PASSWORD, login


def people(warehouse, count: int) -> list[dict]:
    """Persons of the sample an identification matches by the strong rule (their valid ID
    held by no other party), with a mobile on record and policies, those with claims
    first."""
    with warehouse.connect() as conn:
        rows = conn.fetchall(
            "select m.party_id, min(m.name), min(m.id_no), min(m.mobile) "
            "from intermediate.int_mention_party as m "
            "where m.party_type = 'P' and m.id_type = 'RID' and m.id_valid "
            "and m.mobile_valid and m.mobile_informative and m.name is not null "
            "and m.id_no in (select id_no from intermediate.int_mention_party where id_valid "
            "  group by id_no having count(distinct party_id) = 1) "
            "and m.party_id in (select holder_party_id from marts.policy_summary) "
            "and m.party_id not in (select owner_code from security.account "
            "  where owner_code is not null) "
            "group by m.party_id "
            "order by max(case when m.party_id in (select holder_party_id from "
            "  marts.claim_summary where holder_party_id is not null) then 1 else 0 end) desc, "
            "m.party_id limit ?", [count])
    return [dict(zip(("party_id", "name", "id_no", "mobile"), r, strict=True)) for r in rows]


def registration(person: dict, user_name: str, **changes: str) -> dict:
    return {"user_name": user_name, "password": PASSWORD, "name": person["name"],
            "id_no": person["id_no"], "mobile": person["mobile"], **changes}


def customer_login(client, user_name: str) -> dict[str, str]:
    response = client.post("/v1/token", data={"username": user_name,
                                              "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def new_rid(warehouse) -> str:
    """A valid resident ID number no one in the sample holds."""
    with warehouse.connect() as conn:
        for serial in range(100, 999):
            first17 = f"11010519900307{serial}"
            id_no = first17 + rid_check_char(first17)
            if not conn.scalar("select count(*) from intermediate.int_mention_party "
                               "where id_no = ?", [id_no]):
                return id_no
    raise AssertionError("no free ID number")


@pytest.fixture(scope="module")
def two(service_warehouse, parties):
    return people(service_warehouse, 2)


def test_points_follow_the_seed_rule():
    rule = {r["parameter"]: int(r["value"]) for r in read_seed("points_rule")}
    today = dt.date(2026, 11, 20)
    policies = [{"effective_date": dt.date(2020, 1, 1), "premium": Decimal("1250.50")},
                {"effective_date": dt.date(2024, 6, 1), "premium": 380},
                {"effective_date": dt.date(2027, 1, 1), "premium": 9999}]   # not yet
    claims = [{"loss_date": dt.date(2022, 12, 1)}]
    got = points(policies, claims, today)
    # 1630.50 paid: 16 full hundreds; 3 full years since the loss of 2022-12-01
    assert got == {"premium_paid": 1630.5, "claim_free_years": 3,
                   "points": 16 * rule["points_per_100_yuan_premium"]
                   + 3 * rule["points_per_claim_free_year"]}
    # no claim: the years since the first policy, bounded
    assert points(policies[:1], [], dt.date(2050, 1, 1))["claim_free_years"] == \
        rule["max_claim_free_years"]
    assert points([], [], today) == {"premium_paid": 0.0, "claim_free_years": 0, "points": 0}


def test_registration_binds_the_existing_party_and_refuses_what_does_not_confirm_it(
        client, two, service_warehouse):
    a, b = two
    wrong_mobile = registration(a, "portal_x", mobile="13698765432")
    assert client.post("/v1/portal/register", json=wrong_mobile).json()["detail"] == \
        NOT_CONFIRMED
    weak = client.post("/v1/portal/register", json=registration(a, "portal_a",
                                                                 password="short"))
    assert weak.status_code == 422 and "12 characters" in weak.text
    bad_id = registration(a, "portal_a", id_no=a["id_no"][:-1] + (
        "0" if a["id_no"][-1] != "0" else "1"))
    refused = client.post("/v1/portal/register", json=bad_id)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == [
        "body", "id_no"]
    for user, person in (("portal_a", a), ("portal_b", b)):
        made = client.post("/v1/portal/register", json=registration(person, user))
        assert made.status_code == 201, made.text
        assert made.json() == {"user_name": user, "party_id": person["party_id"]}
    # one account per party, and a user name once
    assert client.post("/v1/portal/register",
                       json=registration(a, "portal_a2")).status_code == 409
    taken = client.post("/v1/portal/register", json=registration(b, "portal_a"))
    assert taken.status_code == 409 and "taken" in taken.text
    with service_warehouse.connect() as conn:
        accounts = conn.fetchall(
            "select u.user_name, u.role, a.owner_code, a.password_hash like 'scrypt$%' "
            "from stewardship.app_user u join security.account a using (user_name) "
            "where u.user_name like 'portal%' order by 1")
        assert accounts == [("portal_a", "customer", a["party_id"], True),
                            ("portal_b", "customer", b["party_id"], True)]
        # the user name now identifies the party for other systems (identify step 0)
        assert conn.scalar("select count(*) from stewardship.identity_key "
                           "where key_type = 'USER_NAME' and key_value = 'portal_a'") == 1
        assert conn.scalar("select count(*) from stewardship.audit_log "
                           "where action = 'CUSTOMER_REGISTER' and party_id = ?",
                           [a["party_id"]]) == 1


def test_a_customer_reads_their_own_record_and_never_another(client, two, service_warehouse):
    a, b = two
    me = customer_login(client, "portal_a")
    mine = client.get("/v1/portal/me", headers=me)
    assert mine.status_code == 200, mine.text
    body = mine.json()
    with service_warehouse.connect() as conn:
        policies = conn.fetchall("select policy_no, premium, effective_date from "
                                 "marts.policy_summary where holder_party_id = ?",
                                 [a["party_id"]])
        claims = conn.fetchall("select claim_no from marts.claim_summary "
                               "where claimant_party_id = ? or holder_party_id = ?",
                               [a["party_id"]] * 2)
        value_class = conn.scalar("select value_class from marts.customer_360 "
                                  "where party_id = ?", [a["party_id"]])
    assert body["profile"]["party_id"] == a["party_id"]
    assert body["profile"]["value_class"] == value_class
    assert "risk_class" not in body["profile"]          # internal: absent for customers
    assert sorted(p["policy_no"] for p in body["policies"]) == sorted(p[0] for p in policies)
    assert sorted(c["claim_no"] for c in body["claims"]) == sorted(c[0] for c in claims)
    paid = sum(float(p[1] or 0) for p in policies if p[2] <= dt.date.today())
    assert body["points"]["premium_paid"] == pytest.approx(paid)
    assert body["points"]["points"] >= int(paid // 100)

    # another party: not by id, mobile or ID number, and no staff endpoint at all
    assert client.get(f"/v1/customers/{a['party_id']}", headers=me).status_code == 200
    assert client.get(f"/v1/customers/{b['party_id']}", headers=me).status_code == 404
    assert client.post("/v1/customers/search", json={"mobile": b["mobile"]},
                       headers=me).status_code == 404
    assert client.post("/v1/customers/search", json={"id_no": b["id_no"]},
                       headers=me).status_code == 404
    assert client.post("/v1/identify", headers=me, json={
        "party_type": "P", "name": b["name"], "id_type": "RID",
        "id_no": b["id_no"]}).status_code == 403
    assert client.get("/v1/tasks", headers=me).status_code == 403
    events = client.get("/v1/events?limit=1000", headers=me).json()["events"]
    assert {e["party_id"] for e in events} <= {a["party_id"]}
    # B's own token reads B; the API of staff refuses a customer's token for A's record
    other = customer_login(client, "portal_b")
    assert client.get("/v1/portal/me", headers=other).json()["profile"]["party_id"] == \
        b["party_id"]
    assert client.get("/v1/portal/me", headers=login(client, "stew")).status_code == 403


def test_a_new_customer_gets_a_new_party_shown_after_the_nightly(client, service_warehouse):
    person = {"name": "欧阳明轩", "id_no": new_rid(service_warehouse),
              "mobile": "13700001234"}
    made = client.post("/v1/portal/register", json=registration(person, "portal_new"))
    assert made.status_code == 201, made.text
    party_id = made.json()["party_id"]
    assert re.fullmatch(r"P\d{10}", party_id)
    with service_warehouse.connect() as conn:
        assert conn.scalar("select count(*) from stewardship.manual_customer "
                           "where id_no = ?", [person["id_no"]]) == 1
        # before the nightly, only its manual customer's mention says the mobile is its
        assert holds_mobile(conn, party_id, person["mobile"])
        assert not holds_mobile(conn, party_id, "13700009999")
    waiting = client.get("/v1/portal/me", headers=customer_login(client, "portal_new"))
    assert waiting.status_code == 404 and "nightly" in waiting.text


def test_contact_changes_are_checked_audited_and_kept_by_the_nightly(client, two,
                                                                     service_warehouse):
    a, _ = two
    me = customer_login(client, "portal_a")
    bad = client.put("/v1/portal/me/contact", json={"mobile": "123"}, headers=me)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "mobile"]
    bad = client.put("/v1/portal/me/contact", json={"address": "no separators"}, headers=me)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "address"]
    # a party id in the body is no field of the form: it cannot redirect the change
    assert client.put("/v1/portal/me/contact", headers=me, json={
        "party_id": "P0000000001", "email": "x@example.com"}).status_code == 422
    change = {"mobile": "13600005678", "email": "portal.a@example.com",
              "address": "北京市|北京市|朝阳区|望京街道1号"}
    made = client.put("/v1/portal/me/contact", json=change, headers=me)
    assert made.status_code == 200, made.text
    request_ids = made.json()["requests"]
    assert len(request_ids) == 3
    with service_warehouse.connect() as conn:
        overrides = conn.fetchall(
            "select attribute, override_value, origin from stewardship.attribute_override "
            "where party_id = ? and not revoked and request_id in (?, ?, ?) order by 1",
            [a["party_id"], *request_ids])
        assert overrides == [("address", change["address"], "customer"),
                             ("email", change["email"], "customer"),
                             ("mobile", change["mobile"], "customer")]
        decided = conn.fetchall(
            "select kind, status, requested_by, decided_by from stewardship.request "
            "where request_id in (?, ?, ?)", request_ids)
        assert set(decided) == {("MODIFY", "APPROVED", "portal_a", "portal_a")}
        audited = {r[0] for r in conn.fetchall(
            "select action from stewardship.audit_log where actor = 'portal_a' "
            "and party_id = ?", [a["party_id"]])}
        assert {"REQUEST_MODIFY", "APPROVED", "APPLIED_MODIFY"} <= audited
    history = client.get(f"/v1/parties/{a['party_id']}/history",
                         headers=login(client, "stew"))      # the steward's view of it
    assert history.status_code == 200 and "portal_a" in history.text

    # the nightly's marts keep the customer's values, and the publication tells it
    build_marts(service_warehouse)
    publish_step(service_warehouse, "portal-test")
    with service_warehouse.connect() as conn:
        assert conn.scalar("select mobile from marts.customer where party_id = ?",
                           [a["party_id"]]) == change["mobile"]
        assert conn.fetchone("select email, address from marts.customer_contact "
                             "where party_id = ?", [a["party_id"]]) == (
            change["email"], "望京街道1号")
        updated = conn.fetchall(
            f"select changed_fields, payload from {outbox.TABLE} "
            "where party_id = ? and event_type = 'UPDATED' and run_id = 'portal-test'",
            [a["party_id"]])
    assert len(updated) == 1 and "mobile" in updated[0][0] and change["mobile"] in updated[0][1]
    assert client.get("/v1/portal/me", headers=me).json()["profile"]["mobile"] == \
        change["mobile"]


def test_the_portal_pages_in_a_browser(browser, base_url, service_warehouse, tmp_path):
    """Register, my account, a refused and an accepted contact change, in Chinese; the
    English switch; screenshots in the test's tmp folder."""
    c = people(service_warehouse, 1)[0]
    zh = gettext("zh")
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{base_url}/portal/account")
    assert page.url.endswith("/portal/login")            # no session: to the login page
    assert page.locator("h1").inner_text() == zh("Customer portal: log in")
    page.click("a[href='/portal/register']")
    form = {"username": "portal_c", "password": PASSWORD, "name": c["name"],
            "id_no": c["id_no"], "mobile": "13698765432"}     # not the one on record
    for field, value in form.items():
        page.fill(f"input[name={field}]", value)
    page.click("button[type=submit]")
    assert page.locator(".error").first.inner_text() == zh(NOT_CONFIRMED)
    page.screenshot(path=str(tmp_path / "portal-register-refused.png"), full_page=True)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=mobile]", c["mobile"])
    page.click("button[type=submit]")
    assert page.url.endswith("/portal/account")          # registered and logged in
    assert page.locator("h1").inner_text() == zh("My account")
    assert c["party_id"] in page.locator("#profile").inner_text()
    assert page.locator("#policies tr").count() >= 2
    assert page.locator("#points").get_attribute("data-points").isdigit()
    shot = tmp_path / "portal-account.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5_000

    page.fill("#contact input[name=mobile]", "123")
    page.click("#contact button[type=submit]")
    problem = page.locator(".field-error[data-field=mobile]")
    assert problem.inner_text() == zh("wrong length or characters")
    assert page.locator("#contact input[name=mobile]").input_value() == "123"
    page.screenshot(path=str(tmp_path / "portal-contact-refused.png"), full_page=True)
    page.fill("#contact input[name=mobile]", "")
    page.fill("#contact input[name=email]", "portal.c@example.com")
    page.click("#contact button[type=submit]")
    assert page.locator(".notice").inner_text() == zh("Your contact details are saved.")

    page.goto(f"{base_url}/portal/account?lang=en")
    assert page.locator("h1").inner_text() == "My account"
    page.screenshot(path=str(tmp_path / "portal-account-en.png"), full_page=True)
    # no page takes a party: another party's id in the address changes nothing
    page.goto(f"{base_url}/portal/account?party_id=P0000000001")
    assert c["party_id"] in page.locator("#profile").inner_text()
    print(f"portal screenshots: {tmp_path}")
