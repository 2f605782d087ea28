"""The closed loop on both engines: requests, maker–checker, enforcement across nightly
runs, revoke, rollback, lifecycle changes, erasure and the audit trail.

The tests of this module build on each other in file order (one warehouse per engine).
"""

import pytest

from ecif.pipeline import build_marts, build_staging, match_step
from ecif.stewardship import service
from ecif.stewardship.users import StewardshipError
from tests.dbt.raw_rows import load_raw

D1, D2, D3 = "20261101", "20261102", "20261103"
ID = {"A": "11010519491231002X", "B": "440524188001010014", "C": "110101199003076632",
      "E": "310101198503070019", "G": "510104197001010010"}
MANUAL_ID = "110101198001010010"
PASSWORD = "correct horse battery"


def person(cust_no, name, id_no, mobile, op="I"):
    return {"cust_no": cust_no, "cust_type": "1", "name": name, "id_type": "01",
            "id_no": id_no, "mobile": mobile, "gender": "1", "op": op}


def nightly(warehouse):
    build_staging(warehouse)
    match_step(warehouse)
    build_marts(warehouse)


def fetch(warehouse, sql, params=None):
    with warehouse.connect() as conn:
        return conn.fetchall(sql, params)


def party(warehouse, system, key):
    return fetch(warehouse, "select party_id from marts.customer_xref where source_system = ? "
                            "and source_key = ?", [system, key])[0][0]


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
        ]),
        ("uw.uw_case", D1, "FULL", [
            {"case_id": "U1", "applicant_name": "王芳", "applicant_id_type": "I",
             "applicant_id_no": ID["C"], "op": "I"},
        ]),
    ])
    nightly(warehouse)
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
    service.approve(wh, request, "appr", "checked")
    merged = party(wh, "core", "A")
    assert party(wh, "core", "B") == merged and merged in (a, b)
    # the next night brings a changed mobile for A: the decision still holds
    load_raw(wh, [("core.customer", D2, "DELTA", [
        person("A", "张伟", ID["A"], "13911119999", op="U")])])
    nightly(wh)
    assert party(wh, "core", "A") == party(wh, "core", "B") == merged
    history = service.history(wh, merged)
    assert "APPROVED" in [h[2] for h in history] and "MERGE" in [h[2] for h in history]


def test_a_split_holds_and_revoking_restores_the_automatic_result(wh):
    c = party(wh, "core", "C")
    assert party(wh, "uw", "U1") == c
    request = service.request_split(wh, c, ["uw|uw_case|U1|applicant"], "stew", "two people")
    service.approve(wh, request, "appr")
    assert party(wh, "uw", "U1") != party(wh, "core", "C")
    nightly(wh)
    assert party(wh, "uw", "U1") != party(wh, "core", "C")
    revoke = service.request_on_decision(wh, "REVOKE", request, "stew", "was one person")
    service.approve(wh, revoke, "appr")
    assert party(wh, "uw", "U1") == party(wh, "core", "C") == c


def test_rollback_restores_exactly_the_earlier_parties_and_xref(wh):
    merge = next(r for r, kind, *_ in fetch(wh, "select request_id, kind from "
                                                "stewardship.request") if kind == "MERGE")
    # first undo the earlier merge so that A and B are apart, then take the snapshot
    service.approve(wh, service.request_on_decision(wh, "REVOKE", merge, "stew", "undo"),
                    "appr")
    before = fetch(wh, "select * from marts.customer_xref order by 1, 2, 3, 4")
    customers_before = fetch(wh, "select party_id, name from marts.customer order by 1")
    a, e = party(wh, "core", "A"), party(wh, "core", "E")
    merge = service.request_merge(wh, [a, e], "stew", "looked alike")
    service.approve(wh, merge, "appr")
    assert party(wh, "core", "A") == party(wh, "core", "E")
    rollback = service.request_on_decision(wh, "ROLLBACK", merge, "stew", "wrong merge")
    service.approve(wh, rollback, "appr")
    assert fetch(wh, "select * from marts.customer_xref order by 1, 2, 3, 4") == before
    assert fetch(wh, "select party_id, name from marts.customer order by 1") == customers_before
    assert fetch(wh, "select status from stewardship.request where request_id = ?",
                 [merge]) == [("ROLLED_BACK",)]


def test_rolling_back_a_split_then_its_merge_restores_each_earlier_assignment(wh):
    """merge → split → rollback(split) → rollback(merge): each rollback gives back exactly
    the assignment from before its decision (a rolled-back split used to drop the merge
    it had overridden, leaving the two mentions apart under a new id)."""
    def assignment():
        return fetch(wh, "select source_system, source_key, party_id from marts.customer_xref "
                         "order by 1, 2, 3")

    def decide(request):
        service.approve(wh, request, "appr")
        return request

    apart = assignment()
    a, b = party(wh, "core", "A"), party(wh, "core", "B")
    assert a != b
    merge = decide(service.request_merge(wh, [a, b], "stew", "one customer"))
    merged = assignment()
    assert party(wh, "core", "A") == party(wh, "core", "B")
    split = decide(service.request_split(wh, party(wh, "core", "A"),
                                         ["core|customer|B|customer"], "stew", "two people"))
    assert party(wh, "core", "A") != party(wh, "core", "B")
    decide(service.request_on_decision(wh, "ROLLBACK", split, "stew", "wrong split"))
    assert assignment() == merged
    nightly(wh)
    assert assignment() == merged       # the merge stands again in later runs
    decide(service.request_on_decision(wh, "ROLLBACK", merge, "stew", "wrong merge"))
    assert assignment() == apart
    nightly(wh)
    assert assignment() == apart


def test_a_decision_on_a_deleted_mention_is_refused(wh):
    g, e = party(wh, "core", "G"), party(wh, "core", "E")
    request = service.request_merge(wh, [g, e], "stew", "maybe the same")
    load_raw(wh, [("core.customer", D3, "DELTA", [{"cust_no": "G", "op": "D"}])])
    nightly(wh)
    constraints = fetch(wh, "select count(*) from matching.link_constraint")
    with pytest.raises(StewardshipError, match="no longer exists"):
        service.approve(wh, request, "appr")
    assert fetch(wh, "select count(*) from matching.link_constraint") == constraints
    assert audit_actions(wh)[-1] == "REFUSED_DECISION"


def test_modify_and_deactivate_change_the_golden_record(wh):
    c = party(wh, "core", "C")
    modify = service.request_party_change(wh, "MODIFY", c, "stew", "customer called",
                                          attribute="mobile", value="13822223333")
    service.approve(wh, modify, "appr")
    assert fetch(wh, "select mobile, status from marts.customer where party_id = ?", [c]) == [
        ("13822223333", "ACTIVE")]
    (rule,) = fetch(wh, "select rule_applied from marts.customer_attribute_lineage "
                        "where party_id = ? and attribute = 'mobile'", [c])[0]
    assert rule.startswith("override by steward")
    deactivate = service.request_party_change(wh, "DEACTIVATE", c, "stew", "customer left")
    service.approve(wh, deactivate, "appr")
    assert fetch(wh, "select status from marts.customer where party_id = ?", [c]) == [
        ("INACTIVE",)]


def test_a_manual_customer_and_a_file_of_confirmed_contacts(wh, tmp_path):
    fields = {"party_type": "P", "name": "孙丽", "id_type": "RID", "id_no": MANUAL_ID,
              "mobile": "13911110008"}
    create = service.request_create(wh, fields, "stew", "walk-in customer")
    assert service.approve(wh, create, "appr") == "staging"
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
    assert service.approve(wh, enhance, "appr") == "marts"
    assert fetch(wh, "select email from marts.customer_contact where party_id = ?",
                 [manual]) == [("sun.li@example.com",)]
    (rule,) = fetch(wh, "select rule_applied from marts.customer_attribute_lineage "
                        "where party_id = ? and attribute = 'email'", [manual])[0]
    assert rule.startswith("override by enhancement:revisits.csv")


def test_an_erased_person_leaves_no_personal_data_anywhere(wh):
    e = party(wh, "core", "E")
    erase = service.request_party_change(wh, "ERASE", e, "stew", "customer's request")
    service.approve(wh, erase, "appr")
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
