"""The exception centre in the service, on both engines: the API scoped by role (403
for the roles that may not), the steward page with its history and forms, and an
unexpected error of a request opening a SERVICE_ERROR exception."""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from ecif import exceptions_centre as centre
from ecif.service.app import create_app
from ecif.service.config import ServiceConfig
from ecif.service.pages import CSRF_COOKIE
from ecif.stewardship import service

SECRET = "test-secret-of-at-least-thirty-two-bytes"
PASSWORD = "correct horse battery"
USERS = {"stew": "steward", "appr": "approver", "ana": "analyst", "sys": "system"}


@pytest.fixture
def client(warehouse, monkeypatch, tmp_path) -> TestClient:
    monkeypatch.setenv("ECIF_LOG_DIR", str(tmp_path))
    service.user_add(warehouse, "root", "admin", PASSWORD, None)
    for name, role in USERS.items():
        service.user_add(warehouse, name, role, PASSWORD, "root")
    with warehouse.connect() as conn:
        centre.open_or_bump(conn, "LANDING_REFUSED", "CRITICAL", "core", "customer 20261102",
                            "customer.dat row 3 field id_no: 110101199003074518 not valid",
                            "f1")
        centre.open_or_bump(conn, "EVENT_DELIVERY_FAILED", "WARNING", "events", "S1",
                            "seq 4 after 8 attempts", "4")
    app = create_app(ServiceConfig(warehouse, SECRET, reader=None))
    return TestClient(app, raise_server_exceptions=False)


def bearer(client: TestClient, user: str) -> dict[str, str]:
    answer = client.post("/v1/token", data={"username": user, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_the_api_by_role(client):
    stew, appr, ana = (bearer(client, u) for u in ("stew", "appr", "ana"))
    listed = client.get("/v1/exceptions", headers=appr)
    assert listed.status_code == 200
    assert [(e["kind"], e["count"]) for e in listed.json()] == [
        ("EVENT_DELIVERY_FAILED", 1), ("LANDING_REFUSED", 1)]
    assert "110101********451" in listed.json()[1]["sample"]
    refused_id = listed.json()[1]["exception_id"]
    critical = client.get("/v1/exceptions", params={"severity": "CRITICAL"}, headers=stew)
    assert [e["kind"] for e in critical.json()] == ["LANDING_REFUSED"]
    assert client.get("/v1/exceptions", params={"status": "gone"},
                      headers=stew).status_code == 422

    for role_headers in (ana, bearer(client, "sys")):     # may not see it at all
        assert client.get("/v1/exceptions", headers=role_headers).status_code == 403
        assert client.get(f"/v1/exceptions/{refused_id}",
                          headers=role_headers).status_code == 403
    assert client.get("/v1/exceptions").status_code == 401
    # an approver reads, but handles nothing
    assert client.post(f"/v1/exceptions/{refused_id}/ack", json={},
                       headers=appr).status_code == 403

    acked = client.post(f"/v1/exceptions/{refused_id}/ack",
                        json={"note": "asked core to re-send", "assignee": "root"}, headers=stew)
    assert acked.status_code == 200
    assert (acked.json()["status"], acked.json()["assignee"]) == ("ACKNOWLEDGED", "root")
    assert client.post(f"/v1/exceptions/{refused_id}/ack", json={},
                       headers=stew).status_code == 409
    assert client.post(f"/v1/exceptions/{refused_id}/resolve", json={"notes": "typo"},
                       headers=stew).status_code == 422          # an unknown field
    resolved = client.post(f"/v1/exceptions/{refused_id}/resolve", json={"note": "re-sent"},
                           headers=bearer(client, "root"))
    assert resolved.json()["status"] == "RESOLVED"
    shown = client.get(f"/v1/exceptions/{refused_id}", headers=appr).json()
    assert [(h["actor"], h["action"], h["note"]) for h in shown["history"]][1:] == [
        ("stew", "ACKNOWLEDGED", "asked core to re-send"), ("root", "RESOLVED", "re-sent")]
    assert client.get("/v1/exceptions/999", headers=stew).status_code == 404
    assert client.post("/v1/exceptions/999/resolve", json={}, headers=stew).status_code == 404


def steward_login(client: TestClient, user: str) -> None:
    page = client.get("/steward/login")
    answer = client.post("/steward/login", data={
        "username": user, "password": PASSWORD, "csrf_token": page.cookies[CSRF_COOKIE]},
        headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert answer.status_code == 303


def test_the_steward_page(client):
    assert client.get("/steward/exceptions", follow_redirects=False).status_code == 303
    steward_login(client, "stew")
    listing = client.get("/steward/exceptions?lang=en")
    assert listing.status_code == 200
    assert '<td data-kind="LANDING_REFUSED">File refused</td>' in listing.text
    assert 'href="/steward/exceptions">exceptions</a>' in listing.text      # in the menu
    chinese = client.get("/steward/exceptions?lang=zh")
    assert "异常中心" in chinese.text and "文件被拒收" in chinese.text and "待处理" in chinese.text
    exception_id = int(listing.text.split('data-exception="')[2].split('"')[0])

    detail = client.get(f"/steward/exceptions/{exception_id}?lang=en")
    assert detail.status_code == 200 and 'action="/steward/exceptions/' in detail.text
    assert "110101199003074518" not in detail.text and "110101********451" in detail.text
    csrf = client.cookies[CSRF_COOKIE]
    posted = client.post(f"/steward/exceptions/{exception_id}/ack",
                         data={"csrf_token": csrf, "note": "on it"},
                         headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert posted.status_code == 303
    after = client.get(f"/steward/exceptions/{exception_id}?lang=en")
    assert 'data-status="ACKNOWLEDGED"' in after.text and 'data-action="ACKNOWLEDGED"' in after.text
    assert "stew: on it" in after.text
    forged = client.post(f"/steward/exceptions/{exception_id}/resolve",
                         data={"csrf_token": "guessed"}, headers={"Origin": "http://testserver"})
    assert forged.status_code == 403
    assert client.get("/steward/exceptions/999").status_code == 404


def test_an_approver_sees_the_page_without_the_forms(client):
    steward_login(client, "appr")
    page = client.get("/steward/exceptions?lang=en")
    exception_id = int(page.text.split('data-exception="')[1].split('"')[0])
    detail = client.get(f"/steward/exceptions/{exception_id}")
    assert detail.status_code == 200 and "/ack" not in detail.text
    refused = client.post(f"/steward/exceptions/{exception_id}/ack",
                          data={"csrf_token": client.cookies[CSRF_COOKIE]},
                          headers={"Origin": "http://testserver"})
    assert refused.status_code == 403


def test_an_unexpected_error_opens_a_service_exception(client, warehouse):
    broken = APIRouter()

    @broken.get("/v1/broken/{party_id}")
    def fail(party_id: str) -> None:
        raise KeyError(f"mobile 13812345678 of {party_id}")

    client.app.include_router(broken)
    for _ in range(2):
        assert client.get("/v1/broken/P0000000001").status_code == 500
    with warehouse.connect() as conn:
        found = centre.listing(conn, kind="SERVICE_ERROR")
    assert [(e.key, e.count, e.severity) for e in found] == [
        ("GET /v1/broken/{party_id} KeyError", 2, "CRITICAL")]
    assert "13812345678" not in found[0].sample and "P0000000001" in found[0].sample


def test_metrics_count_the_unresolved_exceptions_by_severity(client):
    text = client.get("/metrics").text
    assert 'ecif_open_exceptions{severity="CRITICAL",status="OPEN"} 1.0' in text
    assert 'ecif_open_exceptions{severity="WARNING",status="OPEN"} 1.0' in text
