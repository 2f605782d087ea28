"""Every value a client sends is checked with the staging rules (ecif.identifiers) when
the request is made: 422 naming the field and the reason, never a 500, never the value
or a server path in the answer. A new party needs enough to identify it (准入). Bodies
are bounded (413) and making steward requests is rate-limited per user (429)."""

import json

import pytest
from fastapi.testclient import TestClient

from ecif.identifiers import rid_check_char
from ecif.service.app import create_app
from ecif.service.config import ServiceConfig
from tests.service.conftest import SECRET, login

PERSON = {"party_type": "P", "name": "欧阳明远", "id_type": "RID",
          "id_no": "110101199001011237", "mobile": "13900001111"}


@pytest.fixture(scope="module")
def client(service_warehouse, parties) -> TestClient:
    """The module makes more requests than a steward may in a minute."""
    return TestClient(create_app(ServiceConfig(service_warehouse, SECRET, reader=None,
                                               requests_per_minute=600, request_burst=100)))


def fetch(warehouse, sql, params=None):
    with warehouse.connect() as conn:
        return conn.fetchall(sql, params)


def refused(response, field: str, problem: str) -> bool:
    detail = response.json()["detail"][0]
    return (response.status_code == 422 and detail["loc"] == ["body", field]
            and problem in detail["msg"] and "/tmp" not in response.text)


@pytest.mark.parametrize(("field", "value", "problem"), [
    ("mobile", "0000000", "PLACEHOLDER"),
    ("mobile", "13800138000", "PLACEHOLDER"),
    ("mobile", "12345678901", "PLACEHOLDER"),
    ("mobile", "10012345678", "BAD_FORMAT"),
    ("mobile", "call me", "BAD_FORMAT"),
    ("name", ">", "BAD_CHARACTER"),
    ("name", "0", "BAD_CHARACTER"),
    ("name", "\x01\x02", "BAD_CHARACTER"),
    ("name", "王\x00小明", "BAD_CHARACTER"),
    ("name", "\ud800", "BAD_CHARACTER"),
    ("name", "·-", "NO_LETTER"),
    ("name", "a" * 1_000_000, "TOO_LONG"),
    ("name", "  ", "MISSING"),
    ("id_no", "110101199001011238", "BAD_CHECK"),
    ("id_no", "&&&", "PLACEHOLDER"),
    ("id_no", "111111111111111111", "PLACEHOLDER"),
    ("id_type", "XX", "UNKNOWN"),
    ("gender", "Q", "UNKNOWN"),
    ("birth_date", "1990-02-30", "BAD_DATE"),
    ("birth_date", "19900101", "BAD_DATE"),
    ("party_type", "X", "UNKNOWN"),
])
def test_identify_refuses_what_staging_would_flag(client, field, value, problem):
    # as JSON escapes (a lone surrogate is not UTF-8)
    response = client.post("/v1/identify", content=json.dumps({**PERSON, field: value}),
                           headers={**login(client, "sys"), "content-type": "application/json"})
    assert refused(response, field, problem), response.text[:300]
    assert len(value) < 5 or value not in response.text      # never echoed


def test_identify_reads_identifiers_as_staging_does(client):
    system = login(client, "sys")
    body = "11010519491331002"           # a check character that fits an impossible date
    impossible = client.post("/v1/identify", headers=system, json={
        **PERSON, "id_no": body + rid_check_char(body)})
    assert refused(impossible, "id_no", "BAD_BIRTH_DATE")
    written = client.post("/v1/identify", headers=system, json={
        **PERSON, "name": " 欧阳 明远 ", "id_no": "１１０１０１１９９００１０１１２３７",
        "mobile": "+86 139-0000-1111", "birth_date": "1990-01-01"})
    assert written.status_code == 200 and written.json()["outcome"] == "NEW"


def test_a_new_party_needs_an_id_or_a_name_with_a_mobile(client, service_warehouse):
    system = login(client, "sys")
    created = "select count(*) from stewardship.manual_customer"
    before = fetch(service_warehouse, created)
    for thin in ({"party_type": "P", "name": "甄无名"},
                 {"party_type": "P", "name": "甄无名", "gender": "F", "birth_date": "1971-03-04"},
                 {"party_type": "O", "name": "某某无名贸易有限公司"}):
        answer = client.post("/v1/identify", headers=system, json=thin).json()
        assert answer["outcome"] in ("NOT_FOUND", "SUSPECTS") and answer["party_id"] is None
    assert fetch(service_warehouse, created) == before
    with_mobile = client.post("/v1/identify", headers=system, json={
        "party_type": "P", "name": "甄无名", "mobile": "13900007777"}).json()
    assert with_mobile["outcome"] == "NEW"
    assert fetch(service_warehouse, created) == [(before[0][0] + 1,)]


def test_steward_requests_are_checked_when_made(client, parties, service_warehouse):
    steward = login(client, "stew")
    pending = "select count(*) from stewardship.request"
    before = fetch(service_warehouse, pending)

    def create(**fields):
        return client.post("/v1/parties", headers=steward,
                           json={**PERSON, "reason": "walk-in", **fields})

    assert refused(create(id_no="&&&"), "id_no", "PLACEHOLDER")
    assert refused(create(id_no="110101199001011238"), "id_no", "BAD_CHECK")
    assert refused(create(name="a" * 1_000_000), "name", "TOO_LONG")
    assert refused(create(mobile="123"), "mobile", "BAD_FORMAT")
    assert refused(create(id_type=None, id_no=None, mobile=None), "id_no", "NOT_ADMISSIBLE")

    def modify(attribute, value):
        return client.post("/v1/parties/modify", headers=steward, json={
            "party_id": parties.agent1_party, "attribute": attribute, "value": value,
            "reason": "customer called"})

    assert refused(modify("shoe_size", "42"), "attribute", "UNKNOWN")
    assert refused(modify("mobile", "123"), "value", "BAD_FORMAT")
    assert refused(modify("birth_date", "2026-11-03"), "value", "BAD_DATE")
    assert refused(modify("email", "not an address"), "value", "BAD_FORMAT")
    assert refused(modify("id", "RID:110105194912310029"), "value", "BAD_CHECK")
    assert refused(modify("address", "某路1号"), "value", "BAD_FORMAT")
    assert refused(modify("name", "\x00"), "value", "BAD_CHARACTER")
    reason = client.post("/v1/requests/merge", headers=steward, json={
        "parties": [parties.agent0_party, parties.agent1_party], "reason": "a\x00b"})
    assert refused(reason, "reason", "BAD_CHARACTER")

    def enhance(file_name, *rows):
        return client.post("/v1/enhancements", headers=steward, json={
            "file_name": file_name, "reason": "call-centre check", "rows": [
                {"party_id": parties.agent1_party, "attribute": a, "value": v, **extra}
                for a, v, extra in rows]})

    good = ("mobile", "13900003333", {})
    dashes = enhance("confirmed.csv", good, ("email", "x@example.com",
                                             {"confirmed_on": "2026-11-03"}))
    assert refused(dashes, "confirmed_on", "BAD_DATE")
    assert "confirmed.csv: row 3: field confirmed_on" in dashes.json()["detail"][0]["msg"]
    dots = enhance("..", good)
    assert dots.status_code == 422 and dots.json()["detail"][0]["loc"] == ["body", "file_name"]
    assert "/tmp" not in dots.text
    assert refused(enhance("c.csv", ("mobile", "123", {})), "value", "BAD_FORMAT")
    assert fetch(service_warehouse, pending) == before          # nothing was queued

    fine = [modify("mobile", "+86 139 0000 4444"),
            modify("address", "北京市|北京市|朝阳区|建国路1号"),
            modify("id", "RID:11010519491231002x"),
            enhance("ok.csv", good, ("birth_date", "19491231", {"confirmed_on": "20261103"}))]
    assert [r.status_code for r in fine] == [201, 201, 201, 201]
    payloads = fetch(service_warehouse, "select payload from stewardship.request "
                                        "order by request_id desc limit 4")
    assert '"value": "13900004444"' in payloads[-1][0]          # stored as staging stores it
    assert '"value": "RID:11010519491231002X"' in payloads[1][0]


def test_bodies_are_bounded(client):
    steward = login(client, "stew")
    too_big = client.post("/v1/parties", headers={**steward, "content-type": "application/json"},
                          content=b'{"name": "' + b"a" * 1_100_000 + b'"}')
    assert too_big.status_code == 413
    chunked = client.post("/v1/parties", headers={**steward, "content-type": "application/json"},
                          content=iter([b"x" * 700_000, b"x" * 700_000]))
    assert chunked.status_code == 413
    assert client.get("/v1/tasks", headers=steward).status_code == 200


def test_request_creation_is_rate_limited_per_user(service_warehouse, parties):
    client = TestClient(create_app(ServiceConfig(service_warehouse, SECRET, reader=None,
                                                 requests_per_minute=1, request_burst=2)))
    body = {"parties": [parties.agent0_party, parties.agent1_party], "reason": "same person"}
    steward, root = login(client, "stew"), login(client, "root")
    answers = [client.post("/v1/requests/reject-suspect", json=body, headers=steward)
               for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert int(answers[2].headers["Retry-After"]) > 0
    assert client.post("/v1/requests/reject-suspect", json=body,
                       headers=root).status_code == 201          # another user's own bucket
    assert client.get("/v1/tasks", headers=steward).status_code == 200   # reading is free
