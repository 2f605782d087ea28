"""Feedback to the source systems: after staging, each system gets a file of the date's
rows that failed validation and of its refused files, values masked; on both engines."""

from __future__ import annotations

import csv
from datetime import datetime

from ecif.identifiers import rid_check_char
from ecif.landing.bookkeeping import record_rejection
from ecif.masking import mask_id
from ecif.pipeline import build_staging, feedback_step
from ecif.source_feedback import COLUMNS
from tests.dbt.raw_rows import load_raw

D1, D2 = "20261101", "20261102"


def rid(first17: str) -> str:
    return first17 + rid_check_char(first17)


# valid IDs of men (an odd 17th digit, the gender the rows say)
IDS = {"C1": rid("11010519491231001"), "C2": rid("44052418800101001"),
       "C3": rid("11010119900307663"), "C4": rid("31010119850307001")}
NAMES = {"C1": "张伟", "C2": "李强", "C3": "王军", "C4": "赵磊", "C5": "钱勇"}
BAD_ID = IDS["C1"][:17] + ("0" if IDS["C1"][17] != "0" else "1")   # a wrong check character


def customer(cust_no, id_no=None, gender="1", birth_date=None, op="I"):
    id_no = id_no or IDS[cust_no]
    return {"cust_no": cust_no, "cust_type": "1", "name": NAMES[cust_no], "id_type": "01",
            "id_no": id_no, "mobile": f"139111100{cust_no[1:]:0>2}", "gender": gender,
            "birth_date": birth_date or id_no[6:14], "op": op}


def read(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")        # Excel opens it as UTF-8
    return rows


def test_each_system_gets_its_faulty_rows_of_the_date_masked(warehouse, tmp_path):
    load_raw(warehouse, [
        ("core.customer", D1, "FULL", [customer("C1"), customer("C2")]),
        # the next day: an unmapped gender code, an impossible birth date, a bad ID, and a
        # row that supersedes another (the contract working: no fault)
        ("core.customer", D2, "DELTA", [
            customer("C3", gender="7"), customer("C4", birth_date="20261340"),
            customer("C5", BAD_ID), customer("C1", op="U")]),
    ])
    with warehouse.connect() as conn:
        record_rejection(conn, file=f"claims/{D2}/claim.dat", system="claims", entity="claim",
                         business_date=D2, row=7, field="claimant_id_no",
                         reason=f"claim.dat row 7 field claimant_id_no: {BAD_ID} is no ID",
                         md5="x", rejected_at=datetime(2026, 11, 3))
    build_staging(warehouse)
    written = feedback_step(warehouse, [D2], tmp_path)

    assert sorted(p.name for p in (tmp_path / D2).iterdir()) == [
        "claims.csv", "core.csv", "finance.csv", "telesales.csv", "uw.csv"]
    core = read(tmp_path / D2 / "core.csv")
    assert list(core[0]) == list(COLUMNS)
    faults = {(r["source_key"], r["field"], r["reason"]) for r in core}
    assert ("C3", "gender", "UNMAPPED_CODE") in faults
    assert ("C4", "birth_date", "UNPARSABLE") in faults
    assert any(key == "C5" and field.endswith("id_no") for key, field, _ in faults)
    assert [r for r in core if r["source_key"] in ("C1", "C2")] == []     # nothing wrong
    assert {r["business_date"] for r in core} == {D2} and {r["entity"] for r in core} == {
        "customer"}
    claims = read(tmp_path / D2 / "claims.csv")
    assert [(r["entity"], r["row_number"], r["field"]) for r in claims] == [
        ("claim", "7", "claimant_id_no")]
    everything = "".join(p.read_text(encoding="utf-8-sig") for p in (tmp_path / D2).iterdir())
    assert not [i for i in (BAD_ID, *IDS.values()) if i in everything]
    assert mask_id(BAD_ID) in claims[0]["reason"]
    assert read(tmp_path / D2 / "finance.csv") == []                  # checked, nothing found
    assert written == {"core": len(core), "uw": 0, "claims": 1, "telesales": 0, "finance": 0}
