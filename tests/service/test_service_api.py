"""Every API endpoint on the sample warehouse, with its refusals: no token (401), wrong
role (403), another agent's customer (404, so existence does not leak), malformed
input (422 naming the field). Module tests share one warehouse and build on each
other in file order."""


import re

from ecif.identifiers import rid_check_char
from ecif.masking import mask_id, mask_mobile
from ecif.service.accounts import RecentUsers
from tests.service.conftest import login, read_customers_and_identify

NEW_PERSON = {"party_type": "P", "name": "欧阳明远", "id_type": "RID",
              "id_no": "110101199001011237", "mobile": "13900001111"}


def fetch(warehouse, sql, params=None):
    with warehouse.connect() as conn:
        return conn.fetchall(sql, params)


def test_openapi_lists_every_endpoint(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/identify", "/v1/customers/{party_id}", "/v1/customers/by-mobile/{mobile}",
            "/v1/requests/merge", "/v1/requests/{request_id}/approve"} <= set(paths)
    assert client.get("/docs").status_code == 200


def test_token_refusals(client):
    assert client.post("/v1/token", data={"username": "ag0", "password": "wrong"}
                       ).status_code == 401
    assert client.get("/v1/customers/P0000000001").status_code == 401
    forged = {"Authorization": "Bearer not.a.token"}
    assert client.get("/v1/customers/P0000000001", headers=forged).status_code == 401


def test_identify_strong_rule_model_and_new_id(client, parties, service_warehouse):
    system = login(client, "sys")
    assert client.post("/v1/identify", json=NEW_PERSON).status_code == 401
    assert client.post("/v1/identify", json=NEW_PERSON,
                       headers=login(client, "ana")).status_code == 403
    bad = client.post("/v1/identify", json={**NEW_PERSON, "mobile": "call me"}, headers=system)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "mobile"]

    name = fetch(service_warehouse, "select name from marts.customer where party_id = ?",
                 [parties.agent1_party])[0][0]
    by_id = client.post("/v1/identify", headers=system, json={
        "party_type": "P", "name": name, "id_type": "RID", "id_no": parties.agent1_id_no})
    assert by_id.json()["outcome"] == "MATCHED"
    assert by_id.json()["party_id"] == parties.agent1_party and by_id.json()["score"] == 1.0
    # a household register shows its holder's resident ID number: read as one
    by_register = client.post("/v1/identify", headers=system, json={
        "party_type": "P", "name": name, "id_type": "HHR", "id_no": parties.agent1_id_no}).json()
    assert (by_register["outcome"], by_register["party_id"]) == ("MATCHED", parties.agent1_party)
    assert by_register["reason"] == "same valid RID number (strong rule)"
    # the ID under another name (三要素): a steward decides, no new id is handed out
    other_name = client.post("/v1/identify", headers=system, json={
        "party_type": "P", "name": "anyone", "id_type": "RID",
        "id_no": parties.agent1_id_no}).json()
    assert other_name["outcome"] == "SUSPECTS"
    assert parties.agent1_party in [s["party_id"] for s in other_name["suspects"]]
    by_model = client.post("/v1/identify", headers=system, json={
        "party_type": "P", "name": name, "mobile": parties.agent1_mobile}).json()
    assert by_model["outcome"] == "MATCHED" and by_model["party_id"] == parties.agent1_party
    assert "same informative mobile" in by_model["reason"]
    # a name and a birthday alone score high, but nothing identifying agrees: a suspect
    birth = fetch(service_warehouse, "select birth_date from marts.customer where party_id = ?",
                  [parties.agent1_party])[0][0]
    by_birthday = client.post("/v1/identify", headers=system, json={
        "party_type": "P", "name": name, "birth_date": str(birth)}).json()
    assert by_birthday["outcome"] == "SUSPECTS"
    assert parties.agent1_party in [s["party_id"] for s in by_birthday["suspects"]]

    new = client.post("/v1/identify", headers=system, json=NEW_PERSON).json()
    assert new["outcome"] == "NEW" and new["party_id"].startswith("P")
    again = client.post("/v1/identify", headers=system, json=NEW_PERSON).json()
    assert again["party_id"] == new["party_id"]
    reserved = fetch(service_warehouse, "select party_id from matching.party_mention "
                                        "where run_id = 'identify'")
    assert reserved == [(new["party_id"],)]
    # a check character that fits a date that does not exist (13th month): refused as
    # staging would flag it, not a 500 (tests/service/test_input_validation.py: the rest)
    body = "11010519491331002"
    impossible = client.post("/v1/identify", headers=system, json={
        "party_type": "P", "name": "甄不存", "id_type": "RID",
        "id_no": body + rid_check_char(body)})
    assert impossible.status_code == 422
    assert impossible.json()["detail"][0]["loc"] == ["body", "id_no"]


def test_lookups_mask_by_role_and_audit_unmasked_reads(client, parties, service_warehouse):
    with service_warehouse.connect() as conn:
        audited = (conn.scalar("select count(*) from audit.personal_data_access")
                   if conn.table_exists("audit", "personal_data_access") else 0)
    full = client.get(f"/v1/customers/{parties.agent1_party}", headers=login(client, "ag1"))
    assert full.status_code == 200 and full.json()["profile"]["id_no"] == parties.agent1_id_no
    masked = client.get(f"/v1/customers/{parties.agent1_party}", headers=login(client, "ana"))
    profile = masked.json()["profile"]
    assert profile["mobile"] == mask_mobile(parties.agent1_mobile)
    assert profile["id_no"] == mask_id(parties.agent1_id_no)
    by_id = client.get(f"/v1/customers/by-id-no/{parties.agent1_id_no}",
                       headers=login(client, "sys"))
    assert [v["profile"]["party_id"] for v in by_id.json()] == [parties.agent1_party]
    rows = fetch(service_warehouse, "select role, detail from audit.personal_data_access")
    assert len(rows) == audited + 2          # the agent's and the system's, not the analyst's
    assert ("agent", f"ag1: {parties.agent1_party}") in rows


def test_row_scoping_answers_404_for_someone_elses_customer(client, parties):
    agent0 = login(client, "ag0")
    assert client.get(f"/v1/customers/{parties.agent0_party}", headers=agent0).status_code == 200
    other = client.get(f"/v1/customers/{parties.agent1_party}", headers=agent0)
    missing = client.get("/v1/customers/P9999999999", headers=agent0)
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    assert client.get(f"/v1/customers/by-mobile/{parties.agent1_mobile}",
                      headers=agent0).status_code == 404
    seat = login(client, "seat")
    lead = client.get(f"/v1/customers/{parties.seat_party}", headers=seat).json()
    assert "id_no" not in lead["profile"] and lead["policies"] == []
    assert client.get(f"/v1/customers/{parties.agent1_party}",
                      headers=seat).status_code == 404
    bad = client.get("/v1/customers/not-a-party", headers=agent0)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["path", "party_id"]



def test_analyst_sees_no_name_birth_date_plate_or_policy_number(client, service_warehouse):
    party, name, birth, mobile, id_no, policy_no, plate = fetch(service_warehouse, """
        select c.party_id, c.name, c.birth_date, c.mobile, c.id_no, p.policy_no, p.vehicle_plate
        from marts.customer as c join marts.policy_summary as p on p.holder_party_id = c.party_id
        where p.vehicle_plate is not null and c.mobile is not null and c.id_no is not null
          and c.birth_date is not null
        order by c.party_id limit 1""")[0]
    analyst = login(client, "ana")
    answer = client.get(f"/v1/customers/{party}", headers=analyst)
    assert answer.status_code == 200
    view = answer.json()
    assert {"name", "birth_date", "address"}.isdisjoint(view["profile"])
    assert view["profile"]["mobile"] == mask_mobile(mobile)
    assert view["profile"]["id_no"] == mask_id(id_no)
    assert view["policies"] and all({"policy_no", "vehicle_plate"}.isdisjoint(p)
                                    for p in view["policies"])
    assert all("event_key" not in e for e in view["events"])
    for secret in (name, str(birth), mobile, id_no, policy_no, plate):
        assert secret not in answer.text
    # searching by a full number would tell whose it is: refused, wherever it is asked
    for refused in (client.get(f"/v1/customers/by-mobile/{mobile}", headers=analyst),
                    client.get(f"/v1/customers/by-id-no/{id_no}", headers=analyst),
                    client.post("/v1/customers/search", json={"mobile": mobile},
                                headers=analyst),
                    client.post("/v1/customers/search", json={"id_no": id_no},
                                headers=analyst)):
        assert refused.status_code == 403 and "may not search" in refused.json()["detail"]
    # the steward sees the same customer in full
    full = client.get(f"/v1/customers/{party}", headers=login(client, "stew")).json()
    assert full["profile"]["name"] == name and plate in {p["vehicle_plate"]
                                                         for p in full["policies"]}


def test_telesales_may_search_by_mobile_not_by_id_number(client, parties, service_warehouse):
    seat = login(client, "seat")
    mobile = fetch(service_warehouse, "select mobile from marts.customer where party_id = ?",
                   [parties.seat_party])[0][0]
    found = client.post("/v1/customers/search", json={"mobile": mobile}, headers=seat)
    assert found.status_code == 200
    assert parties.seat_party in [v["profile"]["party_id"] for v in found.json()]
    assert client.post("/v1/customers/search", json={"id_no": parties.agent1_id_no},
                       headers=seat).status_code == 403


def test_search_by_post_body_answers_as_the_path_routes(client, parties):
    system = login(client, "sys")
    for key, value, route in (("mobile", parties.agent1_mobile, "by-mobile"),
                              ("id_no", parties.agent1_id_no, "by-id-no")):
        posted = client.post("/v1/customers/search", json={key: value}, headers=system)
        assert posted.status_code == 200
        assert posted.json() == client.get(f"/v1/customers/{route}/{value}",
                                           headers=system).json()
    agent0 = login(client, "ag0")
    assert client.post("/v1/customers/search", json={"mobile": parties.agent1_mobile},
                       headers=agent0).status_code == 404
    for body in ({}, {"mobile": parties.agent1_mobile, "id_no": parties.agent1_id_no},
                 {"mobile": "call me"}):
        assert client.post("/v1/customers/search", json=body,
                           headers=system).status_code == 422


def test_identify_gives_no_id_of_a_customer_the_agent_may_not_read(client, parties,
                                                                   service_warehouse):
    name = fetch(service_warehouse, "select name from marts.customer where party_id = ?",
                 [parties.agent1_party])[0][0]
    by_id = {"party_type": "P", "name": name, "id_type": "RID", "id_no": parties.agent1_id_no}
    suspects = {**by_id, "name": "anyone"}
    agent0, agent1 = login(client, "ag0"), login(client, "ag1")
    assert client.get(f"/v1/customers/{parties.agent1_party}", headers=agent0).status_code == 404
    matched = client.post("/v1/identify", json=by_id, headers=agent0)
    assert matched.json()["outcome"] == "MATCHED" and matched.json()["party_id"] is None
    suspected = client.post("/v1/identify", json=suspects, headers=agent0)
    assert suspected.json()["outcome"] == "SUSPECTS"
    assert suspected.json()["suspects"] and all(
        s["party_id"] is None for s in suspected.json()["suspects"])
    for answer in (matched, suspected):
        assert parties.agent1_party not in answer.text
    # the agent who owns the customer, and the system, get the id
    assert client.post("/v1/identify", json=by_id, headers=agent1
                       ).json()["party_id"] == parties.agent1_party
    assert parties.agent1_party in [s["party_id"] for s in client.post(
        "/v1/identify", json=suspects, headers=login(client, "sys")).json()["suspects"]]


def test_customer_reads_and_identify_run_no_ddl(client, parties, service_warehouse,
                                                ddl_statements):
    name = fetch(service_warehouse, "select name from marts.customer where party_id = ?",
                 [parties.agent1_party])[0][0]
    statuses = read_customers_and_identify(client, {
        "agent": "ag1", "party": parties.agent1_party, "mobile": parties.agent1_mobile,
        "id_no": parties.agent1_id_no, "name": name})
    assert ddl_statements == [] and statuses == [200] * 6

def test_stewardship_requests_decisions_and_refusals(client, parties):
    steward, approver = login(client, "stew"), login(client, "appr")
    pair = [parties.agent0_party, parties.agent1_party]
    body = {"parties": pair, "reason": "same person"}
    assert client.post("/v1/requests/merge", json=body).status_code == 401
    assert client.post("/v1/requests/merge", json=body,
                       headers=login(client, "ag0")).status_code == 403
    bad = client.post("/v1/requests/merge", json={"parties": pair}, headers=steward)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "reason"]

    merge = client.post("/v1/requests/merge", json=body, headers=steward)
    assert merge.status_code == 201
    merge_id = merge.json()["request_id"]
    reject_suspect = client.post("/v1/requests/reject-suspect", json=body, headers=steward)
    modify = client.post("/v1/parties/modify", headers=steward, json={
        "party_id": parties.agent1_party, "attribute": "email", "value": "a@example.com",
        "reason": "customer called"})
    deactivate = client.post("/v1/parties/deactivate", headers=steward, json={
        "party_id": parties.agent0_party, "reason": "closed"})
    create = client.post("/v1/parties", headers=steward, json={
        "name": "新客户", "mobile": "13900002222", "reason": "walk-in"})
    enhance = client.post("/v1/enhancements", headers=steward, json={
        "file_name": "confirmed.csv", "reason": "call-centre check", "rows": [
            {"party_id": parties.agent1_party, "attribute": "mobile", "value": "13900003333"}]})
    assert {r.status_code for r in (reject_suspect, modify, deactivate, create, enhance)} == {201}
    tasks = client.get("/v1/tasks", headers=approver).json()
    assert merge_id in [t["request_id"] for t in tasks]

    # maker–checker: a steward may not decide, nor may the requester
    assert client.post(f"/v1/requests/{merge_id}/approve", json={},
                       headers=steward).status_code == 403
    assert client.post(f"/v1/requests/{reject_suspect.json()['request_id']}/reject",
                       json={"note": "not convincing"}, headers=approver).status_code == 200
    approved = client.post(f"/v1/requests/{modify.json()['request_id']}/approve",
                           json={"note": "ok"}, headers=approver)
    assert approved.json() == {"request_id": modify.json()["request_id"],
                               "status": "APPROVED", "rebuilds_from": "marts"}
    again = client.post(f"/v1/requests/{modify.json()['request_id']}/approve", json={},
                        headers=approver)
    assert again.status_code == 409 and "not PENDING" in again.json()["detail"]
    revoke = client.post("/v1/requests/revoke", headers=steward, json={
        "request_id": merge_id, "reason": "mistake"})
    assert revoke.status_code == 409 and "not an approved decision" in revoke.json()["detail"]
    history = client.get(f"/v1/parties/{parties.agent1_party}/history", headers=steward)
    assert any(h["what"] == "APPLIED_MODIFY" for h in history.json())
    split = client.post("/v1/requests/split", headers=steward, json={
        "party_id": parties.agent1_party, "mention_ids": ["nope"], "reason": "x"})
    assert split.status_code == 409 and "not in party" in split.json()["detail"]


def test_suspect_queue_and_user_admin(client):
    steward = login(client, "stew")
    groups = client.get("/v1/suspect-groups", headers=steward).json()
    assert groups and all(len(g["party_ids"]) >= 2 for g in groups)
    new_user = {"user_name": "ag2", "role": "agent", "password": "long enough pw",
                "owner_code": "AG000002"}
    assert client.post("/v1/users", json=new_user, headers=steward).status_code == 403
    assert client.post("/v1/users", json=new_user, headers=login(client, "root")
                       ).status_code == 201
    assert client.post("/v1/token", data={"username": "ag2", "password": "long enough pw"}
                       ).status_code == 200
    no_owner = client.post("/v1/users", json={**new_user, "owner_code": None},
                           headers=login(client, "root"))
    assert no_owner.status_code == 422


def test_identify_an_organization_by_its_code_inside_a_uscc_or_alone(client, service_warehouse):
    system = login(client, "sys")
    party, name, uscc = fetch(service_warehouse, """
        select party_id, name_std, id_no from intermediate.int_mention_party
        where party_type = 'O' and id_type = 'USCC' and id_informative
        order by mention_id limit 1""")[0]
    for id_type, id_no in (("USCC", uscc), ("ORG", uscc[8:17])):
        found = client.post("/v1/identify", headers=system, json={
            "party_type": "O", "name": name, "id_type": id_type, "id_no": id_no}).json()
        assert (found["outcome"], found["party_id"], found["score"]) == ("MATCHED", party, 1.0)


def test_next_nightly_run_keeps_the_identified_new_id(client, service_warehouse):
    from ecif.pipeline import build_staging, match_step

    reserved = fetch(service_warehouse, "select mention_id, party_id from matching.party_mention "
                                        "where run_id = 'identify'")
    build_staging(service_warehouse)
    match_step(service_warehouse)
    kept = [row for mention_id, _ in reserved for row in fetch(
        service_warehouse, "select mention_id, party_id from matching.party_mention "
                           "where mention_id = ?", [mention_id])]
    assert len(reserved) == 1 and kept == reserved     # the new person


def test_a_removed_user_is_refused_once_its_role_is_read_again(client, service_warehouse,
                                                               monkeypatch):
    root = login(client, "root")
    assert client.post("/v1/users", headers=root, json={
        "user_name": "gone", "role": "system", "password": "long enough pw"}).status_code == 201
    token = client.post("/v1/token", data={"username": "gone", "password": "long enough pw"}
                        ).json()["access_token"]
    gone = {"Authorization": f"Bearer {token}"}
    assert client.get("/v1/customers/P9999999999", headers=gone).status_code == 404
    with service_warehouse.connect() as conn:
        conn.execute("delete from security.account where user_name = 'gone'")
    monkeypatch.setattr(RecentUsers, "FRESHNESS", 0.0)     # the second has passed
    assert client.get("/v1/customers/P9999999999", headers=gone).status_code == 401


def test_telesales_prospects_by_api_filter_scope_and_refuse_unknown_filters(
        client, parties, service_warehouse):
    url = "/v1/lists/telesales-prospects"
    listed = dict(fetch(service_warehouse,
                        "select party_id, value_class from marts.telesales_prospect"))
    seats = {r[0] for r in fetch(service_warehouse, (
        "select party_id from intermediate.int_mention_party where source_system = 'telesales' "
        "and source_entity = 'lead' and agent_code = ?"), [parties.seat])}
    # refusals exist among the sample's policyholders, and none of them is listed
    refused = {r[0] for r in fetch(service_warehouse, (
        "select party_id from marts.customer_360 "
        "where (consent_marketing = false or do_not_call) and policies_in_force > 0"))}
    assert refused and not refused & set(listed)

    mine = client.get(url, headers=login(client, "seat"))
    assert mine.status_code == 200
    assert {r["party_id"] for r in mine.json()} == seats & set(listed)
    assert all(r["contact_basis"] in ("CONSENT", "EXISTING_CUSTOMER") for r in mine.json())
    root = login(client, "root")
    by_seat = client.get(url, params={"seat": parties.seat}, headers=root)
    assert {r["party_id"] for r in by_seat.json()} == seats & set(listed)
    grade = min(listed.values())
    graded = client.get(url, params={"value_class": grade}, headers=root).json()
    assert graded and {r["party_id"] for r in graded} == {
        p for p, g in listed.items() if g == grade}
    # a misspelt filter would list everyone: refused instead
    assert client.get(url, params={"value_clas": "A"}, headers=root).status_code == 422
    assert client.get(url, params={"value_class": "Z"}, headers=root).status_code == 422
    row = client.get(url, headers=login(client, "ana")).json()[0]
    assert "name" not in row and "****" in row["mobile"]     # an analyst: no name, masked
    assert client.get(url, headers=login(client, "ag0")).status_code == 403


def test_service_tier_follows_value_and_risk_and_a_claims_seat_sees_it(client, parties,
                                                                       service_warehouse):
    rows = fetch(service_warehouse,
                 "select value_class, risk_class, service_tier from marts.customer_360")
    expected = {("A", "LOW"): "SIMPLIFIED"}
    for value, risk, tier in rows:
        assert tier == expected.get((value, risk), "PRIORITY" if value == "A" else "STANDARD")
    assert {"STANDARD", "PRIORITY"} <= {r[2] for r in rows} or {"STANDARD", "SIMPLIFIED"} <= {
        r[2] for r in rows}
    (tier, id_no) = fetch(service_warehouse, (
        "select c.service_tier, k.id_no from marts.customer_360 as c "
        "join marts.customer as k on k.party_id = c.party_id where c.party_id = ?"),
        [parties.agent1_party])[0]
    found = client.post("/v1/customers/search", json={"mobile": parties.agent1_mobile},
                        headers=login(client, "clm"))
    assert found.status_code == 200
    (view,) = [v for v in found.json() if v["profile"]["party_id"] == parties.agent1_party]
    assert view["profile"]["service_tier"] == tier
    assert view["profile"]["id_no"] == mask_id(id_no) != id_no   # a claims seat: masked ID


def test_identify_by_email_and_portal_user_name_and_refuses_unknown_fields(
        client, service_warehouse):
    system = login(client, "sys")
    email, name, party = fetch(service_warehouse, """
        select email, min(name_std), min(party_id) from intermediate.int_mention_party
        where party_type = 'P' and email is not null and email_problem is null
        group by email having count(distinct party_id) = 1 and count(distinct name_std) = 1
        order by email limit 1""")[0]

    def ask(**fields):
        return client.post("/v1/identify", json={"party_type": "P", **fields}, headers=system)

    misspelt = ask(name=name, emial=email)
    assert misspelt.status_code == 422 and "emial" in misspelt.text
    assert "email" in ask(name=name, email="not-an-address").text
    assert ask(name=name, user_name="has blanks").status_code == 422
    # an e-mail identifies with the name (any case, as staging keeps it), not alone
    found = ask(name=name, email=email.upper()).json()
    assert (found["outcome"], found["party_id"], found["reason"]) == (
        "MATCHED", party, "same e-mail and name")
    other = ask(name="欧阳明远", email=email).json()
    assert other["outcome"] == "SUSPECTS" and party in {s["party_id"] for s in other["suspects"]}
    # a portal user name given once with a new party identifies it from then on
    new = ask(name="司马光明", mobile="13900002222", user_name="sima.gm").json()
    assert new["outcome"] == "NEW"
    again = ask(name="司马光明", user_name="sima.gm").json()
    assert (again["outcome"], again["party_id"], again["reason"]) == (
        "MATCHED", new["party_id"], "same portal user name")
    assert ask(name="司马光明", user_name="nobody.yet").json()["outcome"] == "NOT_FOUND"


# GET /health, /ready and /metrics: without a login
def test_health_and_ready_answer_without_a_login(client, service_warehouse):
    assert client.get("/health").json() == {"status": "alive"}
    answer = client.get("/ready")
    assert answer.status_code == 200
    with service_warehouse.connect() as conn:      # the sample's last night was published
        last_landed = conn.scalar("select max(business_date) from raw.landing_batch")
    assert answer.json()["status"] == "ready"
    assert answer.json()["business_date"] == last_landed
    assert answer.json()["published_at"] is not None


def _value(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.rsplit(" ", 1)[0]))
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_count_routes_outcomes_and_landed_rows(client, parties, service_warehouse):
    system = login(client, "sys")
    before = client.get("/metrics").text
    with service_warehouse.connect() as conn:
        name = conn.scalar("select name from intermediate.int_mention_party "
                           "where party_id = ? and name is not null limit 1",
                           [parties.agent1_party])
    found = client.post("/v1/identify", headers=system, json={
        "party_type": "P", "name": name, "id_type": "RID", "id_no": parties.agent1_id_no})
    outcome = found.json()["outcome"]
    client.get(f"/v1/customers/by-mobile/{parties.agent1_mobile}", headers=system)

    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    assert _value(text, "ecif_identify_outcomes_total", outcome=outcome) == (
        _value(before, "ecif_identify_outcomes_total", outcome=outcome) or 0.0) + 1
    assert _value(text, "ecif_http_requests_total", route="/v1/identify",
                   status="200") is not None
    # the route template, never the customer's number
    assert _value(text, "ecif_http_request_seconds_count",
                   route="/v1/customers/by-mobile/{mobile}") >= 1
    assert parties.agent1_mobile not in text
    with service_warehouse.connect() as conn:
        landed = dict(conn.fetchall("select system, sum(rows) from raw.landing_batch "
                                    "where status = 'LOADED' group by system"))
    assert landed and all(_value(text, "ecif_rows_landed", system=s) == float(n)
                          for s, n in landed.items())
    assert _value(text, "ecif_last_successful_night_timestamp_seconds") > 0
    with service_warehouse.connect() as conn:
        unresolved = conn.fetchall("select severity, status, count(*) from ops.exception "
                                   "where status <> 'RESOLVED' group by severity, status")
    assert all(_value(text, "ecif_open_exceptions", severity=severity, status=status) == count
               for severity, status, count in unresolved)
