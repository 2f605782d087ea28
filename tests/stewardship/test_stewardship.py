"""The closed loop on both engines: requests, maker–checker, enforcement across nightly
runs, revoke, rollback, lifecycle changes, erasure and the audit trail.

The tests of this module build on each other in file order (one warehouse per engine).
An approval only queues its rebuild; the runner (`apply_decisions`, `ecif rebuild`)
applies it. A marts build is the dearest step, so a test that asserts only which party a
mention belongs to approves and runs matching alone (`decide`), asserting on matching's
assignment; each kind of decision still goes the whole way (approval, then the runner's
rebuild, asserted in the marts: `applied`) in one test at least.
"""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ecif.cli import app
from ecif.pipeline import apply_decisions, build_marts, build_staging, match_step
from ecif.service.app import create_app
from ecif.service.config import ServiceConfig
from ecif.stewardship import service
from ecif.stewardship.audit import now
from ecif.stewardship.history import HistoryQuery
from ecif.stewardship.users import StewardshipError
from tests.dbt.raw_rows import load_raw

pytestmark = pytest.mark.slow  # rebuilds per test: started first, left out of test-fast

D1, D2, D3 = "20261101", "20261102", "20261103"
ID = {"A": "11010519491231002X", "B": "440524188001010014", "C": "110101199003076632",
      "E": "310101198503070019", "G": "510104197001010010", "H": "320102197505050017",
      "K": "330106198208080027"}
MANUAL_ID = "110101198001010010"
PASSWORD = "correct horse battery"


def person(cust_no, name, id_no, mobile, op="I"):
    return {"cust_no": cust_no, "cust_type": "1", "name": name, "id_type": "01",
            "id_no": id_no, "mobile": mobile, "gender": "1", "op": op}


def org(cust_no, name, parent=None):
    return {"cust_no": cust_no, "cust_type": "2", "name": name, "parent_cust_no": parent,
            "op": "I"}


def nightly(warehouse, marts=True):
    """marts=False: a night up to matching, where only the assignment is asserted."""
    build_staging(warehouse)
    match_step(warehouse)
    if marts:
        build_marts(warehouse)


def fetch(warehouse, sql, params=None):
    with warehouse.connect() as conn:
        return conn.fetchall(sql, params)


# the current mention → party assignment: as matching wrote it (what a decision changes),
# or as the marts publish it after a build (customer_xref, a projection of the former)
ASSIGNMENT = {
    "matching": "select split_part(mention_id, '|', 1), split_part(mention_id, '|', 3), "
                "party_id from matching.party_mention",
    "marts": "select source_system, source_key, party_id from marts.customer_xref",
}


def assignment(warehouse, layer="matching"):
    return fetch(warehouse, ASSIGNMENT[layer] + " order by 1, 2, 3")


def party(warehouse, system, key, layer="matching"):
    (found,) = {p for s, k, p in assignment(warehouse, layer) if (s, k) == (system, key)}
    return found


def decide(warehouse, request):
    """Approve, and instead of the runner's rebuild run matching alone: enough for the
    assignment."""
    service.approve(warehouse, request, "appr")
    match_step(warehouse)
    return request


def applied(warehouse, request, note=None):
    """Approve, then the runner applies it (with every decision queued before it)."""
    step = service.approve(warehouse, request, "appr", note)
    assert request in apply_decisions(warehouse).requests
    return step


def audit_actions(warehouse):
    return [r[0] for r in fetch(warehouse, "select action from stewardship.audit_log "
                                           "order by logged_at")]


@pytest.fixture(scope="module")
def wh(module_warehouse):
    warehouse = module_warehouse
    load_raw(warehouse, [
        ("core.customer", D1, "FULL", [
            person("A", "张伟", ID["A"], "13911110001"),
            person("B", "李娜", ID["B"], "13911110002"),
            person("C", "王芳", ID["C"], "13911110003"),
            person("E", "赵敏", ID["E"], "13911110005"),
            person("G", "钱宁", ID["G"], "13911110007"),
            person("H", "周强", ID["H"], "13911110011"),
            person("K", "吴兰", ID["K"], "13911110012"),
            org("O1", "甲集团有限公司"),
            org("O2", "乙实业有限公司", parent="O1"),
            org("O3", "丙科技有限公司", parent="O2"),
        ]),
        ("core.policy", D1, "FULL", [
            {"policy_no": "PH1", "holder_cust_no": "H", "insured_cust_no": "K",
             "product_line": "HEALTH", "status": "1", "effective_date": "20260101",
             "expiry_date": "20261231", "premium": "800.00", "op": "I"},
        ]),
        ("uw.uw_case", D1, "FULL", [
            {"case_id": "U1", "applicant_name": "王芳", "applicant_id_type": "I",
             "applicant_id_no": ID["C"], "op": "I"},
        ]),
    ])
    nightly(warehouse, marts=False)     # the first approval with its rebuild builds them
    service.user_add(warehouse, "root", "admin", PASSWORD, None)
    for user, role in (("stew", "steward"), ("appr", "approver"), ("ana", "analyst")):
        service.user_add(warehouse, user, role, PASSWORD, "root")
    return warehouse


def test_only_another_approver_may_approve_and_refusals_leave_only_an_audit_row(wh):
    a, b = party(wh, "core", "A"), party(wh, "core", "B")
    assert a != b
    request = service.request_merge(wh, [a, b], "stew", "same customer per call centre")
    for user, message in (("stew", "may not approve"), ("ana", "is not an approver")):
        with pytest.raises(StewardshipError, match=message):
            service.approve(wh, request, user)
    assert fetch(wh, "select status from stewardship.request where request_id = ?",
                 [request]) == [("PENDING",)]
    assert fetch(wh, "select count(*) from matching.link_constraint") == [(0,)]
    assert audit_actions(wh)[-2:] == ["REFUSED_DECISION", "REFUSED_DECISION"]
    with pytest.raises(StewardshipError, match="may not make requests"):
        service.request_merge(wh, [a, b], "ana", "analysts cannot ask")
    assert [r[0] for r in service.tasks(wh, "appr")] == [request]


def test_an_approved_merge_holds_after_a_nightly_run_on_new_data(wh):
    a, b = party(wh, "core", "A"), party(wh, "core", "B")
    (request,) = [r[0] for r in service.tasks(wh, "appr")]
    applied(wh, request, "checked")
    merged = party(wh, "core", "A", "marts")
    assert party(wh, "core", "B", "marts") == merged and merged in (a, b)
    # the next night brings a changed mobile for A: the decision still holds
    load_raw(wh, [("core.customer", D2, "DELTA", [
        person("A", "张伟", ID["A"], "13911119999", op="U")])])
    nightly(wh)
    assert party(wh, "core", "A", "marts") == party(wh, "core", "B", "marts") == merged
    history = service.history(wh, merged)
    assert "APPROVED" in [h[2] for h in history] and "MERGE" in [h[2] for h in history]


def test_a_split_holds_and_revoking_restores_the_automatic_result(wh):
    c = party(wh, "core", "C")
    assert party(wh, "uw", "U1") == c
    request = service.request_split(wh, c, ["uw|uw_case|U1|applicant"], "stew", "two people")
    applied(wh, request)
    assert party(wh, "uw", "U1", "marts") != party(wh, "core", "C", "marts")
    nightly(wh)
    assert party(wh, "uw", "U1", "marts") != party(wh, "core", "C", "marts")
    decide(wh, service.request_on_decision(wh, "REVOKE", request, "stew", "was one person"))
    assert party(wh, "uw", "U1") == party(wh, "core", "C") == c


def test_rollback_restores_exactly_the_earlier_parties_and_xref(wh):
    merge = next(r for r, kind, *_ in fetch(wh, "select request_id, kind from "
                                                "stewardship.request") if kind == "MERGE")
    # first undo the earlier merge so that A and B are apart, then take the snapshot
    applied(wh, service.request_on_decision(wh, "REVOKE", merge, "stew", "undo"))
    assert party(wh, "core", "A", "marts") != party(wh, "core", "B", "marts")
    before = fetch(wh, "select * from marts.customer_xref order by 1, 2, 3, 4")
    customers_before = fetch(wh, "select party_id, name from marts.customer order by 1")
    a, e = party(wh, "core", "A"), party(wh, "core", "E")
    merge = decide(wh, service.request_merge(wh, [a, e], "stew", "looked alike"))
    assert party(wh, "core", "A") == party(wh, "core", "E")
    rollback = service.request_on_decision(wh, "ROLLBACK", merge, "stew", "wrong merge")
    applied(wh, rollback)
    assert fetch(wh, "select * from marts.customer_xref order by 1, 2, 3, 4") == before
    assert fetch(wh, "select party_id, name from marts.customer order by 1") == customers_before
    assert fetch(wh, "select status from stewardship.request where request_id = ?",
                 [merge]) == [("ROLLED_BACK",)]


def test_rolling_back_a_split_then_its_merge_restores_each_earlier_assignment(wh):
    """merge → split → rollback(split) → rollback(merge): each rollback gives back exactly
    the assignment from before its decision (a rolled-back split used to drop the merge
    it had overridden, leaving the two mentions apart under a new id). Asserted on
    matching's assignment: the test before shows a rollback through to the marts."""
    apart = assignment(wh)
    a, b = party(wh, "core", "A"), party(wh, "core", "B")
    assert a != b
    merge = decide(wh, service.request_merge(wh, [a, b], "stew", "one customer"))
    merged = assignment(wh)
    assert party(wh, "core", "A") == party(wh, "core", "B")
    split = decide(wh, service.request_split(wh, party(wh, "core", "A"),
                                             ["core|customer|B|customer"], "stew", "two people"))
    assert party(wh, "core", "A") != party(wh, "core", "B")
    decide(wh, service.request_on_decision(wh, "ROLLBACK", split, "stew", "wrong split"))
    assert assignment(wh) == merged
    nightly(wh, marts=False)
    assert assignment(wh) == merged     # the merge stands again in later runs
    decide(wh, service.request_on_decision(wh, "ROLLBACK", merge, "stew", "wrong merge"))
    assert assignment(wh) == apart
    nightly(wh, marts=False)
    assert assignment(wh) == apart


def test_a_decision_on_a_deleted_mention_is_refused(wh):
    g, e = party(wh, "core", "G"), party(wh, "core", "E")
    request = service.request_merge(wh, [g, e], "stew", "maybe the same")
    load_raw(wh, [("core.customer", D3, "DELTA", [{"cust_no": "G", "op": "D"}])])
    nightly(wh, marts=False)    # the refusal reads the staged mentions
    constraints = fetch(wh, "select count(*) from matching.link_constraint")
    with pytest.raises(StewardshipError, match="no longer exists"):
        service.approve(wh, request, "appr")
    assert fetch(wh, "select count(*) from matching.link_constraint") == constraints
    assert audit_actions(wh)[-1] == "REFUSED_DECISION"


def test_modify_and_deactivate_change_the_golden_record(wh):
    c, o = party(wh, "core", "C"), party(wh, "core", "O3")
    changes = [service.request_party_change(wh, "MODIFY", p, "stew", "customer called",
                                            attribute=attribute, value=value)
               for p, attribute, value in [(c, "mobile", "13822223333"),
                                           (c, "occupation", "0101002"),
                                           (o, "industry", "I65"), (o, "legal_rep", "钱宁")]]
    for request in changes[:-1]:
        service.approve(wh, request, "appr")
    applied(wh, changes[-1])     # one marts build for the four
    assert fetch(wh, "select mobile, occupation_code, status from marts.customer "
                     "where party_id = ?", [c]) == [("13822223333", "0101002", "ACTIVE")]
    assert fetch(wh, "select industry_code, legal_rep from marts.customer where party_id = ?",
                 [o]) == [("I65", "钱宁")]
    (rule,) = fetch(wh, "select rule_applied from marts.customer_attribute_lineage "
                        "where party_id = ? and attribute = 'mobile'", [c])[0]
    assert rule.startswith("override by steward")
    deactivate = service.request_party_change(wh, "DEACTIVATE", c, "stew", "customer left")
    applied(wh, deactivate)
    assert fetch(wh, "select status from marts.customer where party_id = ?", [c]) == [
        ("INACTIVE",)]


def test_a_deactivated_party_is_reactivated_by_maker_checker_and_stays_active(wh):
    c = party(wh, "core", "C")
    with pytest.raises(StewardshipError, match=f"party {c} is INACTIVE already"):
        service.request_party_change(wh, "DEACTIVATE", c, "stew", "left twice")
    reactivate = service.request_party_change(wh, "REACTIVATE", c, "stew", "customer is back")
    with pytest.raises(StewardshipError, match="may not approve"):
        service.approve(wh, reactivate, "stew")
    assert applied(wh, reactivate) == "marts"
    assert fetch(wh, "select status from marts.customer where party_id = ?", [c]) == [
        ("ACTIVE",)]
    nightly(wh)
    assert fetch(wh, "select status from marts.customer where party_id = ?", [c]) == [
        ("ACTIVE",)]
    with pytest.raises(StewardshipError, match=f"party {c} is ACTIVE already"):
        service.request_party_change(wh, "REACTIVATE", c, "stew", "again")


def test_history_is_dated_and_searched_by_party_steward_date_range_and_kind(wh):
    c = party(wh, "core", "C")
    whole = service.history(wh, HistoryQuery(party_id=c))
    # the split of C's mentions by matching and every steward action, each with its time
    assert {"SPLIT", "APPROVED", "APPLIED_DEACTIVATE", "APPLIED_REACTIVATE"} <= {
        e.what for e in whole}
    assert all(e.at is not None for e in whole)
    assert [e.at for e in whole] == sorted(e.at for e in whole)
    by_approver = service.history(wh, HistoryQuery(steward="appr"))
    assert by_approver and {e.who for e in by_approver} == {"appr"}
    assert {e.what for e in service.history(wh, HistoryQuery(party_id=c, kind="REACTIVATE"))
            } == {"REQUEST_REACTIVATE", "APPROVED", "APPLIED_REACTIVATE"}
    today = now().date()
    assert service.history(wh, HistoryQuery(party_id=c, until=today - timedelta(days=1))) == []
    assert service.history(wh, HistoryQuery(party_id=c, since=today, until=today)) == whole
    for refused, message in ((HistoryQuery(), "give a party"),
                             (HistoryQuery(kind="TELEPORT"), "not one of"),
                             (HistoryQuery(since=today, until=today - timedelta(days=1)),
                              "starts")):
        with pytest.raises(StewardshipError, match=message):
            service.history(wh, refused)


def cli(wh, user, *args):
    runner = CliRunner()
    assert runner.invoke(app, ["login", "--user", user, "--password-stdin", "--warehouse",
                               wh.url], input=PASSWORD + "\n").exit_code == 0
    result = runner.invoke(app, [*args, "--warehouse", wh.url])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_the_cli_prints_when_and_the_task_pool_how_long_each_task_waits(wh, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setenv("ECIF_TOKEN_FILE", str(tmp_path / "tokens.json"))
    c = party(wh, "core", "C")
    lines = cli(wh, "stew", "steward", "history", c, "--kind", "reactivate")
    stamp = f"{now():%Y-%m-%d} "
    assert len(lines) == 3 and all(line.startswith(stamp) for line in lines), lines
    waiting = service.request_party_change(wh, "MODIFY", c, "stew", "new e-mail",
                                           attribute="email", value="wang.fang@example.com")
    with wh.connect() as conn:      # made two days and three hours ago
        conn.execute("update stewardship.request set requested_at = ? where request_id = ?",
                     [now() - timedelta(days=2, hours=3), waiting])
    (task,) = [t for t in service.tasks(wh, "appr") if t.request_id == waiting]
    assert timedelta(days=2, hours=3) <= task.age < timedelta(days=2, hours=4)
    with pytest.raises(StewardshipError, match="not an approver"):
        service.tasks(wh, "stew", everyone=True)
    assert waiting in [t.request_id for t in service.tasks(wh, "root", everyone=True)]
    (line,) = [row for row in cli(wh, "appr", "steward", "tasks", "--all")
               if row.split()[0] == str(waiting)]
    assert "by stew" in line and "waiting  2d 03h" in line
    service.reject(wh, waiting, "appr", "not now")


def test_the_cli_approves_then_runs_the_runner_unless_told_not_to(wh, tmp_path, monkeypatch):
    monkeypatch.setenv("ECIF_TOKEN_FILE", str(tmp_path / "tokens.json"))
    c = party(wh, "core", "C")
    status = "select status from stewardship.request where request_id = ?"
    later = service.request_party_change(wh, "MODIFY", c, "stew", "second address",
                                         attribute="email", value="w.fang@example.com")
    assert cli(wh, "appr", "steward", "approve", str(later), "--no-rebuild")[-1] == (
        f"request {later} approved; its rebuild from marts is queued (`ecif rebuild` "
        "applies it)")
    assert fetch(wh, status, [later]) == [("APPROVED",)]
    assert fetch(wh, "select email from marts.customer_contact where party_id = ?",
                 [c]) != [("w.fang@example.com",)]
    confirmed = service.request_party_change(wh, "MODIFY", c, "stew", "confirmed",
                                        attribute="email", value="wang.f@example.com")
    assert cli(wh, "appr", "steward", "approve", str(confirmed))[-1].startswith(
        f"request {confirmed} approved; applied request(s) {later},{confirmed}: rebuilt from marts")
    assert fetch(wh, status, [later]) == fetch(wh, status, [confirmed]) == [("APPLIED",)]
    assert fetch(wh, "select email from marts.customer_contact where party_id = ?",
                 [c]) == [("wang.f@example.com",)]


def test_a_manual_customer_and_a_file_of_confirmed_contacts(wh, tmp_path):
    fields = {"party_type": "P", "name": "孙丽", "id_type": "RID", "id_no": MANUAL_ID,
              "mobile": "13911110008"}
    create = service.request_create(wh, fields, "stew", "walk-in customer")
    assert applied(wh, create) == "staging"
    manual = party(wh, "steward", f"M{create:08d}")
    assert fetch(wh, "select name, id_no, mobile from marts.customer where party_id = ?",
                 [manual]) == [("孙丽", MANUAL_ID, "13911110008")]
    bad = tmp_path / "bad.csv"
    bad.write_text("party_id,attribute,value\n" + manual + ",email,\n", encoding="utf-8")
    with pytest.raises(StewardshipError, match="bad.csv: row 2: field value is empty"):
        service.request_enhance(wh, bad, "stew", "revisit")
    confirmed = tmp_path / "revisits.csv"
    confirmed.write_text("party_id,attribute,value\n" + manual + ",email,sun.li@example.com\n",
                         encoding="utf-8")
    enhance = service.request_enhance(wh, confirmed, "stew", "revisit confirmations")
    assert applied(wh, enhance) == "marts"
    assert fetch(wh, "select email from marts.customer_contact where party_id = ?",
                 [manual]) == [("sun.li@example.com",)]
    (rule,) = fetch(wh, "select rule_applied from marts.customer_attribute_lineage "
                        "where party_id = ? and attribute = 'email'", [manual])[0]
    assert rule.startswith("override by enhancement:revisits.csv")


def test_an_erased_person_leaves_no_personal_data_anywhere(wh):
    e = party(wh, "core", "E")
    erase = service.request_party_change(wh, "ERASE", e, "stew", "customer's request")
    applied(wh, erase)
    values = [ID["E"], "13911110005", "赵敏"]
    with wh.connect() as conn:
        columns = conn.fetchall(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema not in ('information_schema', 'pg_catalog') "
            "and data_type in ('text', 'character varying', 'VARCHAR')")
        hits = [(schema, table, column) for schema, table, column in columns
                for value in values
                if conn.scalar(f'select count(*) from "{schema}"."{table}" '
                               f'where "{column}" like ?', [f"%{value}%"])]
    assert hits == []
    assert "ERASED" in audit_actions(wh)


def relationships(wh, party_id):
    return fetch(wh, "select related_party_id, relationship_type, origin "
                     "from marts.customer_relationship where party_id = ? order by 1, 2",
                 [party_id])


def test_relationships_are_added_ended_and_corrected_by_hand_and_win_over_derived(wh):
    h, k = party(wh, "core", "H"), party(wh, "core", "K")
    assert relationships(wh, h) == [(k, "HOLDER_INSURED", "DERIVED")]
    for kind, message in (("HOLDER_INSURED", "cannot be set by hand"),
                          ("NEIGHBOUR", "is not one of")):
        with pytest.raises(StewardshipError, match=message):
            service.request_relationship(wh, "add", h, k, kind, "stew", "told by phone")
    with pytest.raises(StewardshipError, match="no SPOUSE relationship"):
        service.request_relationship(wh, "end", h, k, "SPOUSE", "stew", "never married")
    spouse = service.request_relationship(wh, "add", h, k, "spouse", "stew", "married")
    service.approve(wh, spouse, "appr")     # the nightly run builds both
    end = service.request_relationship(wh, "end", h, k, "HOLDER_INSURED", "stew",
                                       "the insured was someone else")
    service.approve(wh, end, "appr")
    nightly(wh)         # the policy still says holder and insured: the steward wins
    assert relationships(wh, h) == [(k, "SPOUSE", "MANUAL")]
    correct = service.request_relationship(wh, "correct", h, k, "SPOUSE", "stew",
                                           "parent, not spouse", new_type="PARENT_CHILD")
    applied(wh, correct)                    # the runner's rebuild shows it
    assert relationships(wh, h) == [(k, "PARENT_CHILD", "MANUAL")]


def ancestors(wh, company):
    return fetch(wh, "select ancestor_party_id, depth, parent_origin "
                     "from marts.org_group_hierarchy where party_id = ? order by depth",
                 [company])


def test_parent_companies_are_set_by_hand_and_cycles_are_refused(wh):
    o1, o2, o3 = (party(wh, "core", key) for key in ("O1", "O2", "O3"))
    assert ancestors(wh, o3) == [(o2, 1, "DERIVED"), (o1, 2, "DERIVED")]
    with pytest.raises(StewardshipError) as refused:
        service.request_parent(wh, o1, o3, "stew", "bought by its grandchild")
    assert str(refused.value) == (f"{o3} cannot be the parent of {o1}: it closes the cycle "
                                  f"{o1} → {o3} → {o2} → {o1}")
    moved = service.request_parent(wh, o3, o1, "stew", "sold to the group directly")
    service.approve(wh, moved, "appr")      # the nightly run builds both
    removed = service.request_parent(wh, o2, None, "stew", "left the group")
    service.approve(wh, removed, "appr")
    nightly(wh)         # core still says O3 under O2 under O1: the steward wins
    assert ancestors(wh, o3) == [(o1, 1, "MANUAL")]
    assert ancestors(wh, o2) == []
    # a cycle only the decisions since the last build would close is refused too
    back = service.request_parent(wh, o2, o3, "stew", "joins under O3")
    service.approve(wh, back, "appr")
    with pytest.raises(StewardshipError, match=f"closes the cycle {o1} → {o2} → {o3} → {o1}"):
        service.request_parent(wh, o1, o2, "stew", "circular")


def test_the_api_searches_history_and_takes_relationship_and_parent_requests(wh):
    client = TestClient(create_app(ServiceConfig(wh, "test-secret-of-at-least-thirty-two-bytes",
                                                 reader=None)))

    def headers(user):
        token = client.post("/v1/token", data={"username": user, "password": PASSWORD})
        return {"Authorization": f"Bearer {token.json()['access_token']}"}

    stew = headers("stew")
    h, k, o1 = (party(wh, "core", key) for key in ("H", "K", "O1"))
    found = client.get("/v1/history", params={"steward": "appr", "kind": "parent"}, headers=stew)
    assert found.status_code == 200
    assert found.json() and {e["who"] for e in found.json()} == {"appr"}
    assert client.get("/v1/history", headers=stew).status_code == 409
    added = client.post("/v1/relationships", headers=stew, json={
        "action": "add", "party_id": k, "related_party_id": h, "relationship_type": "GUARANTOR",
        "reason": "guarantees the loan"})
    assert added.status_code == 201, added.text
    cycle = client.post("/v1/parents", headers=stew, json={
        "party_id": o1, "parent_party_id": party(wh, "core", "O3"), "reason": "circular"})
    assert cycle.status_code == 409 and "closes the cycle" in cycle.text
    pool = client.get("/v1/tasks", params={"all": "true"}, headers=headers("appr")).json()
    task = {t["request_id"]: t for t in pool}[added.json()["request_id"]]
    assert task["requested_by"] == "stew" and task["age_seconds"] >= 0
