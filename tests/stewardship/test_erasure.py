"""Erasure on both engines, from delivered files: the party's open requests, the
evidence pages, the DuckDB file's bytes, and a FULL re-delivery of the erased person.

The tests of this module build on each other in file order (one warehouse per engine).
"""

from datetime import date
from pathlib import Path

import pytest

from ecif.pipeline import apply_decisions, build_marts, build_staging, land_step, match_step
from ecif.stewardship import service
from ecif.stewardship.users import StewardshipError
from matching.evidence import CLUSTER_PAGE, evidence_root
from tests.landing.landing_files import customer, deliver
from tests.stewardship.test_stewardship import audit_actions, fetch, party

pytestmark = pytest.mark.slow  # rebuilds per test: started first, left out of test-fast

D1 = "20261101"
TODAY = date(2026, 11, 2)
ERASED = {"name": "赵敏", "id_type": "01", "id_no": "310101198503070010",
          "mobile": "13911110005", "phone": "021-55501234", "birth_date": "19850307",
          "address": "上海市黄浦区南京东路100号"}
KEPT = {"name": "钱宁", "id_type": "01", "id_no": "51010419700101001X",
        "mobile": "13911110007", "phone": "028-66601234", "birth_date": "19700101",
        "address": "成都市锦江区春熙路8号"}
FULL_WIDTH_MOBILE = "１３９１１１１０００５"  # the erased mobile as a call centre typed it

PASSWORD = "correct horse battery"


def shown_pages(warehouse) -> list[Path]:
    """The cluster pages of the warehouse's matching runs (in its reports folder)."""
    return sorted(evidence_root(warehouse).glob(f"*/{CLUSTER_PAGE}"))


def shown(person: dict) -> list[str]:
    """The person's values as a page or a table could show them."""
    birth = person["birth_date"]
    return [person["name"], person["id_no"], person["mobile"], person["phone"],
            person["address"], birth, f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"]


def nightly(warehouse):
    build_staging(warehouse)
    match_step(warehouse)
    build_marts(warehouse)


def deliver_day_one(extracts: Path) -> None:
    deliver(extracts, "core", "customer", D1, [
        customer("E", gender="2", **ERASED), customer("K", gender="1", **KEPT),
        customer("L", name="孙丽", id_type="01", id_no="110101198001010010")],
        extract_type="FULL")
    deliver(extracts, "uw", "uw_case", D1, [
        {"case_id": "U1", "applicant_name": ERASED["name"], "applicant_id_type": "I",
         "applicant_id_no": ERASED["id_no"], "applicant_mobile": FULL_WIDTH_MOBILE,
         "insured_name": KEPT["name"], "insured_id_type": "I", "insured_id_no": KEPT["id_no"],
         "op": "I"}], extract_type="FULL")
    deliver(extracts, "telesales", "contact_event", D1, [
        {"event_id": "V1", "mobile": FULL_WIDTH_MOBILE, "note": "asked for a quote",
         "op": "I"}], extract_type="FULL")


@pytest.fixture(scope="module")
def erasure(module_warehouse, tmp_path_factory):
    folder = tmp_path_factory.mktemp("erasure")
    patch = pytest.MonkeyPatch()
    patch.chdir(folder)  # the evidence pages of this module's runs only
    warehouse = module_warehouse
    deliver_day_one(folder / "extracts")
    land_step(warehouse, folder / "extracts", today=TODAY)
    nightly(warehouse)
    service.user_add(warehouse, "root", "admin", PASSWORD, None)
    for user, role in (("stew", "steward"), ("appr", "approver")):
        service.user_add(warehouse, user, role, PASSWORD, "root")
    yield warehouse, folder / "extracts"
    patch.undo()


def test_evidence_pages_mask_names_addresses_landlines_and_birth_dates(erasure):
    pages = shown_pages(erasure[0])
    text = "".join(p.read_text(encoding="utf-8") for p in pages)
    assert pages and "510104********001X" in text  # K is on the page, masked
    assert [value for value in shown(KEPT) if value in text] == []


def test_erasure_closes_open_requests_forgets_pages_and_rewrites_the_file(erasure):
    warehouse, _ = erasure
    e = party(warehouse, "core", "E")
    modify = service.request_party_change(warehouse, "MODIFY", e, "stew", "new number",
                                          attribute="mobile", value="13822223333")
    erase = service.request_party_change(warehouse, "ERASE", e, "stew", "customer's request")
    service.approve(warehouse, erase, "appr")
    assert apply_decisions(warehouse).requests == [erase]      # the runner's rebuild

    with pytest.raises(StewardshipError, match="CLOSED_ERASED, not PENDING"):
        service.approve(warehouse, modify, "appr")
    assert fetch(warehouse, "select status, decision_note from stewardship.request "
                            "where request_id = ?", [modify]) == [
        ("CLOSED_ERASED", f"party erased by request {erase}")]
    assert "CLOSED_ERASED" in audit_actions(warehouse)

    forgotten = [*shown(ERASED), "310101********0010", "139****0005", "core|customer|E|customer"]
    pages = shown_pages(erasure[0])
    assert pages  # the rebuild wrote a page of its own
    assert [(p, v) for p in pages for v in forgotten if v in p.read_text(encoding="utf-8")] == []

    assert fetch(warehouse, "select mobile, note from raw.telesales__contact_event") == [
        (None, "asked for a quote")]
    if warehouse.kind == "duckdb":
        # DuckDB keeps strings as UTF-8 (uncompressed at this size: the values would show)
        data = warehouse.duckdb_path.read_bytes()
        assert [v for v in shown(ERASED) if v.encode("utf-8") in data] == []
        assert KEPT["name"].encode("utf-8") in data


def test_a_full_redelivery_does_not_bring_the_erased_person_back(erasure):
    warehouse, extracts = erasure
    report = land_step(warehouse, extracts, today=TODAY, rerun_dates=[
        ("core", D1), ("uw", D1), ("telesales", D1)])
    assert {b.batch_id: b.erased for b in report.loaded} == {
        f"core__customer__{D1}": 1, f"uw__uw_case__{D1}": 1,
        f"telesales__contact_event__{D1}": 1}
    nightly(warehouse)
    with warehouse.connect() as conn:
        columns = conn.fetchall(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema not in ('information_schema', 'pg_catalog') "
            "and data_type in ('text', 'character varying', 'VARCHAR')")
        hits = [(schema, table, column, value) for schema, table, column in columns
                for value in [*shown(ERASED), "13911110005", FULL_WIDTH_MOBILE]
                if conn.scalar(f'select count(*) from "{schema}"."{table}" '
                               f'where "{column}" like ?', [f"%{value}%"])]
    assert hits == []
    assert fetch(warehouse, "select source_system, source_entity, source_key, field, "
                            "value_masked, _row_number from quality.dq_exception "
                            "where rule = 'ERASED' order by 1, 2") == [
        ("core", "customer", None, "customer", None, 1),
        ("telesales", "contact_event", None, "mobile", None, 1),
        ("uw", "uw_case", None, "applicant", None, 1)]
    assert fetch(warehouse, "select applicant_name, insured_name from raw.uw__uw_case") == [
        (None, KEPT["name"])]
    assert party(warehouse, "core", "K")
