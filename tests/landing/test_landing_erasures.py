"""Landing screens every file against the erasure register: an erased person's own rows
are dropped, their fields in shared rows emptied, whatever the spelling of key or value."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ecif.extract_spec import PARTY_ROLES
from ecif.landing import erasures
from ecif.landing.loader import land
from ecif.warehouse import Warehouse
from tests.landing.landing_files import customer, deliver

D1 = "20240301"
ID_NO = "310101198503070010"
MOBILE = "13911110005"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def erase(warehouse: Warehouse) -> None:
    with warehouse.connect() as conn:
        erasures.remember(conn, 7, datetime.now(UTC).replace(tzinfo=None),
                          mention_ids=["core|customer|E1|customer"], id_nos=[ID_NO],
                          mobiles=[MOBILE])


def test_erasure_knows_where_the_person_sits_in_every_party_role():
    assert sorted(erasures.ERASABLE) == sorted(PARTY_ROLES)


def test_erased_rows_are_screened_out_and_listed_without_values(
        warehouse: Warehouse, tmp_path: Path) -> None:
    erase(warehouse)
    deliver(tmp_path, "core", "customer", D1, [
        customer("Ｅ1 ", name="赵敏"),                    # the key, full-width and padded
        customer("E2", name="赵敏", id_type="01", id_no="310101850307001"),  # 15-digit ID
        customer("E3", name="赵敏", mobile="+86 139-1111-0005"),
        customer("E4", name="赵敏", id_type="01", id_no=ID_NO.translate(FULL_WIDTH)),
        customer("K1", name="钱宁", mobile="13911110007")], extract_type="FULL")
    deliver(tmp_path, "uw", "uw_case", D1, [
        {"case_id": "U1", "applicant_name": "赵敏", "applicant_mobile": "１３９１１１１０００５",
         "insured_name": "钱宁", "op": "I"}], extract_type="FULL")
    deliver(tmp_path, "telesales", "contact_event", D1, [
        {"event_id": "V1", "mobile": "139 1111 0005", "note": "quote", "op": "I"},
        {"event_id": "V2", "mobile": "13911110007", "note": "renewal", "op": "I"}],
        extract_type="FULL")
    report = land(warehouse, tmp_path)
    assert {b.entity: b.erased for b in report.loaded} == {
        "customer": 4, "uw_case": 1, "contact_event": 1}
    with warehouse.connect() as conn:
        assert conn.fetchall("select cust_no, _row_number from raw.core__customer") == [
            ("K1", 5)]
        assert conn.fetchall("select applicant_name, applicant_mobile, insured_name "
                             "from raw.uw__uw_case") == [(None, None, "钱宁")]
        assert conn.fetchall("select event_id, mobile, note from raw.telesales__contact_event "
                             "order by 1") == [("V1", None, "quote"),
                                               ("V2", "13911110007", "renewal")]
        assert conn.fetchall("select system, entity, row_number, field from raw.landing_erased "
                             "order by 1, 2, 3") == [
            ("core", "customer", 1, "customer"), ("core", "customer", 2, "customer"),
            ("core", "customer", 3, "customer"), ("core", "customer", 4, "customer"),
            ("telesales", "contact_event", 1, "mobile"),
            ("uw", "uw_case", 1, "applicant")]
        stored = conn.fetchall("select * from security.erasure_register")
    assert len(stored) == 3 and not any(
        value in str(stored) for value in (ID_NO, MOBILE, "E1"))


def test_a_rerun_replaces_the_screened_rows_of_its_batch(
        warehouse: Warehouse, tmp_path: Path) -> None:
    deliver(tmp_path, "core", "customer", D1, [customer("E1"), customer("K1")],
            extract_type="FULL")
    land(warehouse, tmp_path)
    erase(warehouse)
    report = land(warehouse, tmp_path, rerun_dates=[("core", D1)])
    assert [b.erased for b in report.loaded] == [1]
    land(warehouse, tmp_path, rerun_dates=[("core", D1)])
    with warehouse.connect() as conn:
        assert conn.fetchall("select cust_no from raw.core__customer") == [("K1",)]
        assert conn.scalar("select count(*) from raw.landing_erased") == 1
