"""Marts on exact raw inputs, through staging, matching and marts, on both engines."""

import pytest

from ecif.pipeline import build_marts, build_staging, match_step
from tests.dbt.raw_rows import load_raw

D1 = "20261101"


def org(cust_no, name, parent=None):
    return {"cust_no": cust_no, "cust_type": "2", "name": name, "parent_cust_no": parent,
            "op": "I"}


@pytest.fixture(scope="module")
def built(module_warehouse):
    warehouse = module_warehouse
    load_raw(warehouse, [
        ("core.customer", D1, "FULL", [
            org("G", "某某集团有限公司"),
            org("S1", "某某贸易有限公司", parent="G"),
            org("S2", "某某贸易有限公司北京分公司", parent="S1"),
            org("X", "甲公司", parent="Y"),
            org("Y", "乙公司", parent="X"),
            org("Z", "丙公司", parent="NOT_A_CUSTOMER"),
            {"cust_no": "H1", "cust_type": "1", "name": "张伟", "id_type": "01",
             "id_no": "11010519491231002X", "mobile": "13912345678", "op": "I"},
        ]),
        ("core.policy", D1, "FULL", [
            {"policy_no": "P1", "holder_cust_no": "H1", "insured_cust_no": "H1",
             "product_line": "AUTO", "vehicle_plate": "京A12345", "status": "1",
             "effective_date": "20251201", "expiry_date": "20261130", "premium": "3200.00",
             "op": "I"},
        ]),
        ("telesales.contact_event", D1, "FULL", [
            {"event_id": "E1", "mobile": "+86 139 1234 5678", "event_type": "COMPLAINT",
             "occurred_at": "2026-10-20T09:00:00+08:00", "outcome": "ESCALATED", "op": "I"},
            {"event_id": "E2", "mobile": "13700000001", "event_type": "CONSULT",
             "occurred_at": "2026-10-21T09:00:00+08:00", "outcome": "CONNECTED", "op": "I"},
        ]),
    ])
    build_staging(warehouse)
    match_step(warehouse)
    build_marts(warehouse)
    return warehouse


def fetch(warehouse, sql):
    with warehouse.connect() as conn:
        return conn.fetchall(sql)


def party_of(warehouse, cust_no):
    return fetch(warehouse, "select party_id from marts.customer_xref where "
                            f"source_system = 'core' and source_key = '{cust_no}'")[0][0]


def test_hierarchy_reaches_every_ancestor_and_survives_a_cycle(built):
    p = {c: party_of(built, c) for c in ("G", "S1", "S2", "X", "Y", "Z")}
    rows = fetch(built, "select party_id, ancestor_party_id, depth, root_party_id "
                        "from marts.org_group_hierarchy")
    got = {(r[0], r[1]): (r[2], r[3]) for r in rows}
    assert got[(p["S2"], p["S1"])] == (1, p["G"])
    assert got[(p["S2"], p["G"])] == (2, p["G"])
    assert got[(p["S1"], p["G"])] == (1, p["G"])
    # the cycle X → Y → X stops after one step each way; a dangling parent is no edge
    assert {k for k in got if k[0] in (p["X"], p["Y"])} == {(p["X"], p["Y"]), (p["Y"], p["X"])}
    assert not any(k[0] in (p["G"], p["Z"]) for k in got)


def test_contacts_link_by_a_unique_mobile_and_open_complaints_block_renewal(built):
    holder = party_of(built, "H1")
    events = dict(fetch(built, "select event_key, party_id from marts.customer_event "
                               "where source_system = 'telesales'"))
    assert events == {"E1": holder, "E2": None}
    (open_complaint, renewal_rows) = fetch(built, (
        "select has_open_complaint, (select count(*) from marts.renewal_target) "
        f"from marts.customer_360 where party_id = '{holder}'"))[0]
    assert open_complaint is True and renewal_rows == 0


def test_golden_record_and_history_agree(built):
    holder = party_of(built, "H1")
    assert fetch(built, "select name, id_no, mobile, status from marts.customer "
                        f"where party_id = '{holder}'") == [
        ("张伟", "11010519491231002X", "13912345678", "ACTIVE")]
    assert fetch(built, "select mobile from snapshots.customer_contact_history "
                        f"where party_id = '{holder}' and dbt_valid_to is null") == [
        ("13912345678",)]
