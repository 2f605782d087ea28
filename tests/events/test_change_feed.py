"""The change feed on the pipeline's `sample` warehouse (one build, shared with the
pipeline tests; this module works on a copy): the nightly's first publication, steward
decisions published by the runner's rebuild or the next nightly (an approval only
queues them), identify's new party, and the feed as each role reads it (pull, stream,
subscriptions)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ecif.cli import app
from ecif.events import outbox
from ecif.pipeline import apply_decisions, publish_step, run_nightly
from ecif.stewardship import service
from ecif.warehouse import Warehouse
from tests.service.conftest import (  # noqa: F401  (module fixtures)
    PASSWORD,
    client,
    login,
    parties,
    sample,
    service_warehouse,
)


def all_events(warehouse: Warehouse, after: int = 0) -> list[dict]:
    with warehouse.connect() as conn:
        return outbox.read(conn, after, 1_000_000)


def test_the_nightly_announced_every_customer_once(service_warehouse, parties,  # noqa: F811
                                                   sample):  # noqa: F811
    found = all_events(service_warehouse)
    assert f"change feed: {len(found):,} event(s) published" in sample[2]
    with service_warehouse.connect() as conn:
        customers = {r[0] for r in conn.fetchall("select party_id from marts.customer")}
        run = conn.scalar("select max(run_id) from matching.match_run")
    assert [e["seq"] for e in found] == list(range(1, len(found) + 1))
    assert sorted(e["party_id"] for e in found if e["event_type"] == "CREATED") == sorted(
        customers)
    assert {e["run_id"] for e in found} == {run}
    assert publish_step(service_warehouse) == 0                 # a rerun tells nothing new


def test_applied_decisions_publish_their_changes(service_warehouse, parties):  # noqa: F811
    with service_warehouse.connect() as conn:
        a, b, c = (r[0] for r in conn.fetchall(
            "select party_id from marts.customer where party_type = 'P' "
            "order by party_id limit 3 offset 20"))
    last = all_events(service_warehouse)[-1]["seq"]
    modify = service.request_party_change(service_warehouse, "MODIFY", c, "stew", "called in",
                                          attribute="mobile", value="13912345678")
    merge = service.request_merge(service_warehouse, [a, b], "stew", "the same person")
    for request in (modify, merge):
        service.approve(service_warehouse, request, "appr")
    assert all_events(service_warehouse, last) == []        # queued, not yet published
    applied = apply_decisions(service_warehouse)
    assert (applied.requests, applied.step) == ([modify, merge], "matching")
    found = all_events(service_warehouse, last)
    assert found and {e["run_id"] for e in found} == {f"request:{modify},{merge}"}
    merged = [e for e in found if e["event_type"] == "MERGED"]
    assert len(merged) == 1
    survivor = merged[0]["party_id"]
    assert {survivor, *merged[0]["payload"]["absorbed"]} == {a, b}
    updated = [e for e in found if e["event_type"] == "UPDATED" and e["party_id"] == c]
    assert len(updated) == 1 and "mobile" in updated[0]["changed_fields"]
    assert updated[0]["payload"]["customer"]["mobile"] == "13912345678"
    assert publish_step(service_warehouse) == 0


def test_identify_announces_the_party_it_creates(client, parties,  # noqa: F811
                                                service_warehouse):  # noqa: F811
    system = login(client, "sys")
    last = all_events(service_warehouse)[-1]["seq"]
    answer = client.post("/v1/identify", headers=system, json={
        "party_type": "P", "name": "欧阳明", "id_type": "RID",
        "id_no": "11010519491231002X", "mobile": "13811112222"})
    assert answer.json()["outcome"] == "NEW", answer.text
    page = client.get("/v1/events", params={"after": last}, headers=system).json()
    assert [(e["event_type"], e["party_id"], e["run_id"]) for e in page["events"]] == [
        ("CREATED", answer.json()["party_id"], "identify")]
    assert page["events"][0]["payload"]["customer"]["mobile"] == "13811112222"
    assert page["next"] == last + 1


def _customer_fields(api_client, headers, party) -> dict:
    profile = api_client.get(f"/v1/customers/{party}", headers=headers).json()["profile"]
    return {k: profile[k] for k in ("name", "id_no", "mobile") if k in profile}


def test_an_agent_reads_only_its_customers_masked_as_the_api(client, parties,  # noqa: F811
                                                              service_warehouse):  # noqa: F811
    service.user_add(service_warehouse, "mkt", "marketing", PASSWORD, "root")
    agent = login(client, "ag1")
    page = client.get("/v1/events", params={"after": 0, "limit": 1000}, headers=agent).json()
    seen = page["events"]
    with service_warehouse.connect() as conn:
        owned = {r[0] for r in conn.fetchall(
            "select party_id from intermediate.int_mention_party where source_system = 'core' "
            "and source_entity = 'customer' and agent_code = 'AG000001'")}
    everyone = all_events(service_warehouse)
    assert seen and {e["party_id"] for e in seen} <= owned
    assert len(seen) == min(1000, sum(e["party_id"] in owned for e in everyone))
    assert parties.agent1_party in {e["party_id"] for e in seen}
    assert page["next"] == seen[-1]["seq"]
    # the golden values as the same role sees them in the customer API
    created = next(e for e in seen if e["party_id"] == parties.agent1_party
                   and e["event_type"] == "CREATED")
    api = _customer_fields(client, agent, parties.agent1_party)
    assert {k: created["payload"]["customer"][k] for k in api} == api
    marketing = login(client, "mkt")
    masked = next(e for e in client.get("/v1/events", params={"after": 0, "limit": 1000},
                                        headers=marketing).json()["events"]
                  if e["party_id"] == parties.agent1_party and e["event_type"] == "CREATED")
    shown = masked["payload"]["customer"]
    assert "*" in shown["name"] and shown["id_no"] != parties.agent1_id_no
    assert parties.agent1_id_no not in json.dumps(masked, ensure_ascii=False)
    api = _customer_fields(client, marketing, parties.agent1_party)
    assert {k: v for k, v in shown.items() if k in ("name", "id_no", "mobile")} == api
    other = login(client, "ag0")
    theirs = client.get("/v1/events", params={"after": 0, "limit": 1000}, headers=other)
    assert parties.agent1_party not in {e["party_id"] for e in theirs.json()["events"]}


def test_the_stream_resumes_after_last_event_id(client, parties):  # noqa: F811
    system = login(client, "sys")
    with client.stream("GET", "/v1/events/stream", params={"limit": 3},
                       headers={**system, "Last-Event-ID": "5"}) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        text = "".join(stream.iter_text())
    ids = [int(line[4:]) for line in text.splitlines() if line.startswith("id: ")]
    assert ids == [6, 7, 8]
    data = [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]
    assert [d["seq"] for d in data] == ids
    bad = client.get("/v1/events", params={"types": "EXPLODED"}, headers=system)
    assert bad.status_code == 422


def test_subscriptions_are_for_admin_and_system(client, parties):  # noqa: F811
    system, agent = login(client, "sys"), login(client, "ag0")
    body = {"url": "http://127.0.0.1:9/hook", "event_types": ["MERGED"],
            "secret": "s3cret-s3cret-s3cret"}
    assert client.post("/v1/subscriptions", json=body, headers=agent).status_code == 403
    made = client.post("/v1/subscriptions", json=body, headers=system)
    assert made.status_code == 201, made.text
    sub = made.json()
    assert "secret" not in sub and sub["role"] == "system" and sub["delivered_seq"] > 0
    listed = client.get("/v1/subscriptions", headers=login(client, "root")).json()
    assert [s["subscription_id"] for s in listed] == [sub["subscription_id"]]
    assert "s3cret" not in json.dumps(listed)
    short = client.post("/v1/subscriptions", json={**body, "secret": "short"}, headers=system)
    assert short.status_code == 422
    gone = client.delete(f"/v1/subscriptions/{sub['subscription_id']}", headers=system)
    assert gone.status_code == 204
    assert client.get("/v1/subscriptions", headers=system).json() == []


def _status(api_client, headers, request_id) -> str:
    answer = api_client.get(f"/v1/requests/{request_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["status"]


def _rebuild(warehouse: Warehouse) -> str:
    """`ecif rebuild`, the runner drained once: its last line."""
    result = CliRunner().invoke(app, ["rebuild", "--warehouse", warehouse.url])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()[-1]


def test_an_approval_answers_at_once_and_the_runner_publishes_it_once(
        client, parties, service_warehouse):  # noqa: F811
    steward, approver = login(client, "stew"), login(client, "appr")
    party = parties.agent0_party

    def mobile() -> str:
        with service_warehouse.connect() as conn:
            return conn.scalar("select mobile from marts.customer where party_id = ?", [party])

    before, last = mobile(), all_events(service_warehouse)[-1]["seq"]
    asked = client.post("/v1/parties/modify", headers=steward, json={
        "party_id": party, "attribute": "mobile", "value": "13955556666",
        "reason": "customer called"})
    request_id = asked.json()["request_id"]
    approved = client.post(f"/v1/requests/{request_id}/approve", headers=approver, json={})
    assert approved.json() == {"request_id": request_id, "status": "APPROVED",
                               "rebuilds_from": "marts"}
    # the web process rebuilt nothing: the marts and the feed wait for the runner
    assert mobile() == before != "13955556666"
    assert all_events(service_warehouse, last) == []
    assert _status(client, steward, request_id) == "APPROVED"

    assert _rebuild(service_warehouse) == (f"applied request(s) {request_id}: rebuilt from "
                                           "marts, 1 event(s) published")
    assert mobile() == "13955556666"
    assert _status(client, steward, request_id) == "APPLIED"
    found = all_events(service_warehouse, last)
    assert [(e["event_type"], e["party_id"], e["run_id"]) for e in found] == [
        ("UPDATED", party, f"request:{request_id}")]
    assert _rebuild(service_warehouse) == "nothing queued"
    assert all_events(service_warehouse, last) == found
    assert client.get("/v1/requests/999999", headers=steward).status_code == 404


def test_a_nightly_run_applies_the_decisions_queued_before_it(
        client, parties, service_warehouse, tmp_path):  # noqa: F811
    with service_warehouse.connect() as conn:
        (party,) = conn.fetchone("select party_id from marts.customer where party_type = 'P' "
                                 "and status = 'ACTIVE' order by party_id limit 1 offset 40")
    last = all_events(service_warehouse)[-1]["seq"]
    deactivate = service.request_party_change(service_warehouse, "DEACTIVATE", party, "stew",
                                              "customer left")
    assert service.approve(service_warehouse, deactivate, "appr") == "marts"
    summary = run_nightly(service_warehouse, tmp_path)      # nothing new to land
    assert f"steward decisions applied: request(s) {deactivate}" in summary.lines()
    assert _status(client, login(client, "stew"), deactivate) == "APPLIED"
    with service_warehouse.connect() as conn:
        run = conn.scalar("select max(run_id) from matching.match_run")
    # (the night also gives identify's new party its cross reference: XREF_ADDED)
    assert [(e["event_type"], e["run_id"]) for e in all_events(service_warehouse, last)
            if e["party_id"] == party] == [("DEACTIVATED", run)]
    assert apply_decisions(service_warehouse).line() == "nothing queued"
