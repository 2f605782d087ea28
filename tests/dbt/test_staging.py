"""Staging and int_party_mention on exact raw inputs, on DuckDB and PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest

from ecif.pipeline import build_staging
from tests.dbt.raw_rows import load_raw

VALID_RID = "110101199003076632"        # check character 2
LEGACY_RID = "110101900307663"          # the same person's 15-digit ID
BROKEN_RID = "110101199003076633"       # wrong check character
VALID_USCC = "91350100M000100Y43"


def person(cust_no, **fields):
    return {"cust_no": cust_no, "cust_type": "1", "op": "I", **fields}


@pytest.fixture(scope="module")
def built(module_warehouse):
    warehouse = module_warehouse
    load_raw(warehouse, [
        ("core.customer", "20261101", "FULL", [
            person("C1", name="张伟", id_type="01", id_no=VALID_RID, gender="1",
                   birth_date="19900307", mobile="+86 138-1234-5678"),
            person("C2", name="张伟", id_type="01", id_no=BROKEN_RID, gender="7",
                   mobile="13800000000"),
            person("C3", name="李娜", id_type="01", id_no="111111111111111111", gender="2",
                   birth_date="20260230"),
            person("C4", name="旧名", id_type="01", id_no=LEGACY_RID.upper(), gender="1"),
            person("C4", name="王芳", id_type="01", id_no=LEGACY_RID, gender="2",
                   mobile="１３９１２３４５６７８"),
            {"cust_no": "C5", "cust_type": "2", "name": "某某贸易有限公司", "id_type": "10",
             "id_no": VALID_USCC.lower(), "op": "I"},
        ]),
        ("core.customer", "20261102", "DELTA", [
            {"cust_no": "C3", "op": "D"},
            {"cust_no": "C9", "op": "D"},
            person("C6", name="新客户", id_type="01", id_no=VALID_RID, gender="1", op="U"),
        ]),
        ("telesales.lead", "20261101", "FULL", [
            {"lead_id": "L1", "name": "ZHANG WEI", "mobile": "0086 13812345678",
             "gender": "male", "birth_year": "1990", "consent_marketing": "true",
             "created_at": "2026-10-01T02:00:00+00:00", "op": "I"},
        ]),
        ("telesales.lead", "20261103", "FULL", [
            {"lead_id": "L2", "name": "李四", "gender": "female", "op": "I"},
        ]),
        ("claims.claim", "20261101", "FULL", [
            {"claim_no": "K1", "policy_no": "X", "claimant_name": "张伟",
             "claimant_id_type": "身份证", "claimant_id_no": VALID_RID, "claimant_gender": "男",
             "report_time": "2026/10/01 10:00:00", "claim_amount": "1,00", "status": "结案",
             "op": "I"},
        ]),
        ("finance.receipt", "20261101", "FULL", [
            {"receipt_no": "R1", "payer_name": "某某贸易有限公司", "payer_id_type": "10",
             "payer_id_no": VALID_USCC, "amount_fen": "123456", "pay_date": "20261101",
             "op": "I"},
        ]),
    ])
    build_staging(warehouse)
    return warehouse


def rows(warehouse, sql):
    with warehouse.connect() as conn:
        return conn.fetchall(sql)


def test_current_state_applies_deletes_updates_and_later_rows(built):
    customers = dict(rows(built, "select cust_no, name from staging.stg_core__customer"))
    # C3 deleted; D of unknown C9 ignored; U of unknown C6 inserted; repeated C4: later row wins
    assert customers == {"C1": "张伟", "C2": "张伟", "C4": "王芳", "C5": "某某贸易有限公司",
                         "C6": "新客户"}


def test_a_later_full_batch_replaces_the_whole_state(built):
    assert rows(built, "select lead_id from staging.stg_telesales__lead") == [("L2",)]


def test_codes_are_mapped_and_unknown_codes_are_unmapped_not_null(built):
    genders = dict(rows(built, "select cust_no, gender from staging.stg_core__customer"))
    assert genders["C1"] == "M" and genders["C4"] == "F" and genders["C2"] == "UNMAPPED"
    assert rows(built, "select status, claimant_id_type, claimant_gender "
                       "from staging.stg_claims__claim") == [("CLOSED", "RID", "M")]


def test_values_are_typed_and_bad_ones_become_null(built):
    (birth,) = rows(built, "select birth_date from staging.stg_core__customer "
                           "where cust_no = 'C1'")[0]
    assert birth == dt.date(1990, 3, 7)
    (report_time, amount) = rows(built, "select report_time, claim_amount "
                                        "from staging.stg_claims__claim")[0]
    assert report_time == dt.datetime(2026, 10, 1, 10, 0) and amount is None
    (amount_yuan,) = rows(built, "select amount from staging.stg_finance__receipt")[0]
    assert amount_yuan == Decimal("1234.56")


def test_mentions_carry_standardized_ids_and_validity(built):
    mentions = {r[0]: r[1:] for r in rows(built, (
        "select mention_id, id_no, id_valid, mobile, mobile_valid, party_type "
        "from intermediate.int_party_mention"))}
    assert mentions["core|customer|C1|customer"] == (VALID_RID, True, "13812345678", True, "P")
    # the 15-digit legacy ID is upgraded to the same 18-character ID
    assert mentions["core|customer|C4|customer"][:2] == (VALID_RID, True)
    assert mentions["core|customer|C4|customer"][2:4] == ("13912345678", True)
    # a broken check digit, a repeated-digit ID and a placeholder mobile are never valid
    assert mentions["core|customer|C2|customer"][1:4] == (False, "13800000000", False)
    assert mentions["claims|claim|K1|claimant"][:2] == (VALID_RID, True)
    assert mentions["core|customer|C5|customer"][:2] == (VALID_USCC, True)
    assert mentions["core|customer|C5|customer"][4] == "O"
    # a payer identified by a USCC is an organization even though finance has no party type
    assert mentions["finance|receipt|R1|payer"][1:] == (True, None, False, "O")
