"""Every format round-trips into raw.<system>__<entity>, on DuckDB and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from ecif.landing.loader import land
from ecif.warehouse import Warehouse
from tests.landing.landing_files import customer, deliver, render

D1 = "20240301"


def rows_of(warehouse: Warehouse, table: str, cols: str) -> list[tuple]:
    with warehouse.connect() as conn:
        return conn.fetchall(f"select {cols} from raw.{table} order by _row_number")


def test_core_gbk_round_trip(warehouse: Warehouse, tmp_path: Path) -> None:
    rows = [
        customer("C001", name="张三", address="北京市朝阳区（东）１３８号", mobile=" 13812345678 "),
        customer("C002", cust_type="2", name="某某保险代理有限公司", legal_rep="李四",
                 parent_cust_no=""),
        customer("C003", name="Zhang Wei"),
    ]
    deliver(tmp_path, "core", "customer", D1, rows, extract_type="FULL")
    report = land(warehouse, tmp_path)
    assert [b.batch_id for b in report.loaded] == [f"core__customer__{D1}"]
    assert report.loaded[0].rows == 3
    got = rows_of(warehouse, "core__customer",
                  "cust_no, name, address, mobile, parent_cust_no, op, _batch_id, "
                  "_business_date, _extract_type, _file, _row_number")
    assert got[0] == ("C001", "张三", "北京市朝阳区（东）１３８号", " 13812345678 ", None, "I",
                      f"core__customer__{D1}", D1, "FULL", f"core/{D1}/customer.dat", 1)
    assert got[1][1] == "某某保险代理有限公司" and got[1][4] is None
    assert [g[-1] for g in got] == [1, 2, 3]


def test_csv_bom_quotes_commas_newlines(warehouse: Warehouse, tmp_path: Path) -> None:
    rows = [
        {"claim_no": "CL1", "loss_description": '追尾, 对方称"全责"\n第二行', "op": "I",
         "claimant_gender": "男"},
        {"claim_no": "CL2", "loss_description": "", "reporter_name": "王五", "op": "I"},
    ]
    data = render("claims", "claim", rows, bom=True)
    deliver(tmp_path, "claims", "claim", D1, rows, data=data, extract_type="FULL")
    report = land(warehouse, tmp_path)
    assert report.ok and report.loaded[0].rows == 2
    got = rows_of(warehouse, "claims__claim",
                  "claim_no, loss_description, claimant_gender, reporter_name, _row_number")
    assert got == [("CL1", '追尾, 对方称"全责"\n第二行', "男", None, 1),
                   ("CL2", None, None, "王五", 2)]


def test_jsonl_missing_keys_booleans_null(warehouse: Warehouse, tmp_path: Path) -> None:
    rows = [
        {"lead_id": "L1", "name": "ZHANG WEI", "birth_year": 1985, "consent_marketing": True,
         "do_not_call": False, "gender": None, "op": "I"},
        {"lead_id": "L2", "name": "李雷", "op": "I"},
    ]
    deliver(tmp_path, "telesales", "lead", D1, rows, extract_type="FULL")
    report = land(warehouse, tmp_path)
    assert report.ok, report.summary_lines()
    got = rows_of(warehouse, "telesales__lead",
                  "lead_id, name, birth_year, consent_marketing, do_not_call, gender, city, op")
    assert got == [("L1", "ZHANG WEI", "1985", "true", "false", None, None, "I"),
                   ("L2", "李雷", None, None, None, None, None, "I")]


def test_jsonl_float_keeps_json_text(warehouse: Warehouse, tmp_path: Path) -> None:
    rows = [{"event_id": "E1", "note": "回访, ok", "seat_id": 12.50, "op": "I"}]
    data = '{"event_id": "E1", "note": "回访, ok", "seat_id": 12.50, "op": "I"}\n'.encode()
    deliver(tmp_path, "telesales", "contact_event", D1, rows, data=data, extract_type="FULL")
    assert land(warehouse, tmp_path).ok
    assert rows_of(warehouse, "telesales__contact_event", "event_id, note, seat_id") == [
        ("E1", "回访, ok", "12.50")]


def test_tsv_round_trip(warehouse: Warehouse, tmp_path: Path) -> None:
    rows = [{"receipt_no": "R1", "payer_name": "张三", "amount_fen": "150000", "op": "I"},
            {"receipt_no": "R2", "payer_name": " 李 四 ", "pay_method": "WECHAT", "op": "I"}]
    deliver(tmp_path, "finance", "receipt", D1, rows, extract_type="FULL")
    assert land(warehouse, tmp_path).ok
    assert rows_of(warehouse, "finance__receipt", "receipt_no, payer_name, amount_fen, "
                   "pay_method, _row_number") == [("R1", "张三", "150000", None, 1),
                                                  ("R2", " 李 四 ", None, "WECHAT", 2)]


def test_uw_csv_and_batch_bookkeeping(warehouse: Warehouse, tmp_path: Path) -> None:
    rows = [{"case_id": "U1", "applicant_name": "赵六", "op": "I"}]
    path = deliver(tmp_path, "uw", "uw_case", D1, rows, extract_type="FULL")
    land(warehouse, tmp_path)
    with warehouse.connect() as conn:
        batch = conn.fetchone("select batch_id, system, entity, business_date, extract_type, "
                              "file, rows, bytes, status from raw.landing_batch")
    assert batch == (f"uw__uw_case__{D1}", "uw", "uw_case", D1, "FULL",
                     f"uw/{D1}/uw_case.csv", 1, path.stat().st_size, "LOADED")


def test_ground_truth_and_unknown_files_ignored(warehouse: Warehouse, tmp_path: Path) -> None:
    deliver(tmp_path, "core", "customer", D1, [customer("C1")], extract_type="FULL")
    (tmp_path / "ground_truth").mkdir()
    (tmp_path / "ground_truth" / "persons.csv").write_text("x\n")
    (tmp_path / "core" / D1 / "notes.txt").write_text("hello\n")
    report = land(warehouse, tmp_path)
    assert len(report.loaded) == 1 and report.ignored == [f"core/{D1}/notes.txt"]


def test_jsonl_timestamps_keep_their_text(warehouse: Warehouse, tmp_path: Path) -> None:
    rows = [{"lead_id": "L1", "created_at": "2024-03-01T09:30:00+08:00",
             "updated_at": "2024-03-01T09:30:00+08:00", "birth_year": 1990, "op": "I"},
            {"lead_id": "L2", "created_at": "2024-03-01T10:00:00+08:00", "op": "I"}]
    deliver(tmp_path, "telesales", "lead", D1, rows, extract_type="FULL")
    assert land(warehouse, tmp_path).ok
    assert rows_of(warehouse, "telesales__lead", "lead_id, created_at, updated_at, birth_year") \
        == [("L1", "2024-03-01T09:30:00+08:00", "2024-03-01T09:30:00+08:00", "1990"),
            ("L2", "2024-03-01T10:00:00+08:00", None, None)]


def test_jsonl_gbk_declared_utf8_refused(warehouse: Warehouse, tmp_path: Path) -> None:
    data = '{"lead_id": "L1", "op": "I"}\n{"lead_id": "L2", "name": "张三", "op": "I"}\n'
    deliver(tmp_path, "telesales", "lead", D1, [{}, {}], data=data.encode("gbk"),
            extract_type="FULL")
    report = land(warehouse, tmp_path)
    assert report.rejected[0].reason.startswith(
        f"telesales/{D1}/lead.jsonl: row 2: not valid UTF-8 at byte offset")
