"""Marts on exact raw inputs, through staging, matching and marts, on both engines."""

import datetime as dt

import pytest
import yaml

from ecif.dbt_runner import DBT_PROJECT_DIR, run_dbt
from ecif.pipeline import build_marts, build_staging, match_step
from ecif.service.suspects import side_by_side
from tests.dbt.raw_rows import load_raw

D1 = "20261101"


def org(cust_no, name, parent=None):
    return {"cust_no": cust_no, "cust_type": "2", "name": name, "parent_cust_no": parent,
            "op": "I"}


def lead(lead_id, name, mobile, birth_year, city, *, consent, dnc="false", seat=None):
    return {"lead_id": lead_id, "name": name, "mobile": mobile, "birth_year": str(birth_year),
            "city": city, "consent_marketing": consent, "do_not_call": dnc,
            "assigned_seat": seat, "op": "I"}


def auto(policy_no, holder):
    """An AUTO policy in force, due 120 days after the business date (beyond the
    renewal horizon: renewal_target stays empty)."""
    return {"policy_no": policy_no, "holder_cust_no": holder, "insured_cust_no": holder,
            "product_line": "AUTO", "product_code": "A01", "status": "1",
            "effective_date": "20260302", "expiry_date": "20270301", "premium": "3200.00",
            "sum_insured": "100000.00", "op": "I"}


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
             "id_no": "11010519491231002X", "mobile": "13912345678", "occupation_code": "4-01",
             "op": "I"},
            # only a placeholder ID and mobile, only an ID failing its check character,
            # no ID at all; an organization whose only code fails its check
            {"cust_no": "Q1", "cust_type": "1", "name": "李娜", "id_type": "01",
             "id_no": "000000000000000000", "mobile": "13800138000", "op": "I"},
            {"cust_no": "Q2", "cust_type": "1", "name": "王芳", "id_type": "01",
             "id_no": "110105198001010017", "op": "I"},
            {"cust_no": "N1", "cust_type": "1", "name": "赵敏", "op": "I"},
            {**org("B1", "某某科技有限公司"), "id_type": "10", "id_no": "911100001234567890",
             "industry_code": "I65", "legal_rep": "刘强"},
            # telesales: a policyholder nobody asked about marketing; one who refused it
            # in one telesales lead (and consented in another)
            {"cust_no": "T1", "cust_type": "1", "name": "孙丽", "id_type": "01",
             "id_no": "110101198503150021", "birth_date": "19850315", "gender": "2",
             "mobile": "13611110001", "province": "北京", "city": "北京", "op": "I"},
            {"cust_no": "T2", "cust_type": "1", "name": "周杰", "id_type": "01",
             "id_no": "31010419790612003X", "birth_date": "19790612", "gender": "1",
             "mobile": "13611110002", "province": "上海", "city": "上海", "op": "I"},
        ]),
        ("telesales.lead", D1, "FULL", [
            lead("L2A", "周杰", "13611110002", 1979, "上海", consent="true"),
            lead("L2B", "周杰", "13611110002", 1979, "上海", consent="false"),
            lead("L3", "吴刚", "13611110003", 1990, "上海", consent=None),
            lead("L4", "郑爽", "13611110004", 1992, "上海", consent="true", seat="S01"),
            lead("L5", "陈晨", "13611110005", 1988, "上海", consent="true", dnc="true"),
        ]),
        ("core.policy", D1, "FULL", [
            {"policy_no": "P1", "holder_cust_no": "H1", "insured_cust_no": "H1",
             "product_line": "AUTO", "product_code": "A01", "vehicle_plate": "京A12345",
             "status": "1", "effective_date": "20251201", "expiry_date": "20261130",
             "premium": "3200.00", "sum_insured": "500000.00", "op": "I"},
            # an earlier policy of the same product on another car, lapsed
            {"policy_no": "P0", "holder_cust_no": "H1", "insured_cust_no": "H1",
             "product_line": "AUTO", "product_code": "A01", "vehicle_plate": "京B54321",
             "status": "2", "effective_date": "20231101", "expiry_date": "20241031",
             "premium": "2900.00", "sum_insured": "400000.00", "op": "I"},
            *(auto(no, holder) for no, holder in (("PT1", "T1"), ("PT2", "T2"))),
        ]),
        ("telesales.contact_event", D1, "FULL", [
            {"event_id": "E1", "mobile": "+86 139 1234 5678", "event_type": "COMPLAINT",
             "occurred_at": "2026-10-20T09:00:00+08:00", "outcome": "ESCALATED", "op": "I"},
            {"event_id": "E2", "mobile": "13700000001", "event_type": "CONSULT",
             "occurred_at": "2026-10-21T09:00:00+08:00", "outcome": "CONNECTED", "op": "I"},
            {"event_id": "E3", "mobile": "13611110004", "event_type": "CONSULT",
             "occurred_at": "2026-10-25T09:00:00+08:00", "outcome": "CONNECTED", "op": "I"},
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
    assert events == {"E1": holder, "E2": None, "E3": lead_party(built, "L4")}
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


def test_a_golden_id_or_mobile_is_valid_or_empty_and_says_which(built):
    p = {c: party_of(built, c) for c in ("H1", "Q1", "Q2", "N1", "B1")}
    got = {r[0]: r[1:] for r in fetch(built, "select party_id, id_type, id_no, id_status, "
                                             "mobile from marts.customer")}
    assert got[p["H1"]] == ("RID", "11010519491231002X", "VALID", "13912345678")
    assert got[p["Q1"]] == (None, None, "INVALID_ONLY", None)
    assert got[p["Q2"]] == (None, None, "INVALID_ONLY", None)
    assert got[p["N1"]] == (None, None, "NONE", None)
    assert got[p["B1"]] == (None, None, "INVALID_ONLY", None)
    # the invalid value stays in the lineage, and a steward comparing parties sees it
    assert fetch(built, "select surviving_value, is_valid from marts.customer_attribute_lineage "
                        f"where party_id = '{p['Q2']}' and attribute = 'id'") == [
        ("RID:110105198001010017", False)]
    with built.connect() as conn:
        (record,), _ = side_by_side(conn, [p["Q2"]])
    assert (record["id_type"], record["id_no"], record["id_status"]) == (
        "RID", "110105198001010017", "INVALID_ONLY")


def test_golden_persons_carry_occupation_and_organizations_industry_and_legal_rep(built):
    p = {c: party_of(built, c) for c in ("H1", "B1")}
    got = {r[0]: r[1:] for r in fetch(built, "select party_id, occupation_code, industry_code, "
                                             "legal_rep from marts.customer")}
    assert got[p["H1"]] == ("4-01", None, None)
    assert got[p["B1"]] == (None, "I65", "刘强")


def test_product_summary_counts_policies_in_force_per_customer_and_product(built):
    holder = party_of(built, "H1")
    rows = fetch(built, "select party_id, product_line, product_code, policies, "
                        "policies_in_force, premium_in_force, sum_insured_in_force, "
                        "first_effective_date, latest_effective_date from marts.product_summary")
    telesales = [(party_of(built, c), "AUTO", "A01", 1, 1, 3200.0, 100000.0,
                  dt.date(2026, 3, 2), dt.date(2026, 3, 2)) for c in ("T1", "T2")]
    assert sorted((r[0], r[1], r[2], r[3], r[4], float(r[5]), float(r[6]), r[7], r[8])
                  for r in rows) == sorted([(holder, "AUTO", "A01", 2, 1, 3200.0, 500000.0,
                                             dt.date(2023, 11, 1), dt.date(2025, 12, 1)),
                                            *telesales])


def test_suspect_marts_publish_what_matching_wrote(built):
    assert sorted(fetch(built, "select suspect_group_id, party_id, score "
                               "from marts.suspect_group_member")) == sorted(
        fetch(built, "select suspect_group_id, party_id, score from matching.suspect_group_member"))
    columns = ("party_id_a, party_id_b, match_probability, review_task_id, task_probability, "
               "evidence")
    assert sorted(fetch(built, f"select {columns} from marts.person_suspect")) == sorted(
        fetch(built, f"select {columns} from matching.person_suspect"))


def lead_party(warehouse, lead_id):
    return fetch(warehouse, "select party_id from marts.customer_xref where "
                            f"source_system = 'telesales' and source_key = '{lead_id}'")[0][0]


def test_marketing_consent_is_given_refused_or_unknown_and_a_refusal_anywhere_wins(built):
    consent = dict(fetch(built, "select party_id, consent_marketing from marts.customer_360"))
    # 周杰 consented in one lead and refused in another: refused, whichever came first
    assert lead_party(built, "L2A") == lead_party(built, "L2B") == party_of(built, "T2")
    assert consent[party_of(built, "T2")] is False
    assert consent[lead_party(built, "L3")] is None          # the lead never said
    assert consent[party_of(built, "T1")] is None            # no source asks
    assert consent[lead_party(built, "L4")] is True


def test_telesales_prospects_only_with_consent_or_as_unasked_existing_customers(built):
    rows = fetch(built, "select party_id, prospect_type, suggested_product_line, contact_basis "
                        "from marts.telesales_prospect")
    listed = {r[0] for r in rows}
    # refused in one source, on do-not-call, a lead that never consented: never listed
    assert party_of(built, "T2") not in listed
    assert lead_party(built, "L5") not in listed
    assert lead_party(built, "L3") not in listed
    # the policyholder nobody asked: cross-selling on the default setting, said so
    holder = party_of(built, "T1")
    assert sorted(r[1:] for r in rows if r[0] == holder) == [
        ("CROSS_SELL", "ACCIDENT", "EXISTING_CUSTOMER"),
        ("CROSS_SELL", "PROPERTY", "EXISTING_CUSTOMER")]
    assert [r[1:] for r in rows if r[0] == lead_party(built, "L4")] == [
        ("LEAD", None, "CONSENT")]


def test_telesales_prospect_filters(built):
    from ecif.exports import read_list
    from ecif.prospect_filters import ProspectFilters

    holder, lead_4 = party_of(built, "T1"), lead_party(built, "L4")

    def parties(**given):
        frame = read_list(built, "telesales-prospects", prospects=ProspectFilters(**given),
                          role="admin")
        return set(frame["party_id"])

    assert parties() == {holder, lead_4}
    assert parties(seat="S01") == {lead_4}
    assert parties(seat="S02") == set()
    assert parties(product_line="ACCIDENT") == {holder}
    # T1's AUTO policy is due in 120 days, L4 was called 7 days before the business date
    assert parties(renewal_within_days=120) == {holder}
    assert parties(renewal_within_days=119) == set()
    assert parties(quiet_days=8) == {holder}
    assert parties(quiet_days=7) == {holder, lead_4}
    # a lead who is no customer yet is in the city the lead gave
    (city_4,) = fetch(built, "select city from marts.telesales_prospect "
                             f"where party_id = '{lead_4}'")[0]
    assert city_4 and parties(region=city_4) == {lead_4}
    assert parties(value_class="B") == {holder}
    assert parties(value_class="C") == {lead_4}


def test_the_dbt_unit_tests_pass_on_both_engines(built):
    """The unit tests of dbt_project/models/**/_*unit_tests.yml: left out of the nightly
    builds (dbt_project.yml), run here, every one of them."""
    defined = sum(len(yaml.safe_load(f.read_text(encoding="utf-8"))["unit_tests"])
                  for f in (DBT_PROJECT_DIR / "models").rglob("_*unit_tests.yml"))
    ran = run_dbt(built, ["test", "--select", "test_type:unit"],
                  dbt_vars={"run_unit_tests": True})
    assert defined >= 12 and ran == defined
