"""Every refusal names file and reason, writes landing_rejection and leaves raw unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from ecif.extract_spec import BY_NAME
from ecif.landing.loader import land
from ecif.warehouse import Warehouse
from tests.landing.landing_files import customer, deliver, render

D1, D2, D3 = "20240301", "20240302", "20240303"
BASE = [customer("C1"), customer("C2")]


def snapshot(warehouse: Warehouse, table: str) -> tuple[list[tuple], list[tuple]]:
    with warehouse.connect() as conn:
        raw = conn.fetchall(f"select * from raw.{table} order by _batch_id, _row_number") \
            if conn.table_exists("raw", table) else []
        batches = conn.fetchall("select batch_id, md5 from raw.landing_batch order by 1")
    return raw, batches


def rejections(warehouse: Warehouse) -> list[tuple]:
    with warehouse.connect() as conn:
        return conn.fetchall("select file, reason, row_number, field from raw.landing_rejection")


def _core(root: Path, day: str, rows: list, **kw) -> None:
    deliver(root, "core", "customer", day, rows, **kw)


def _csv(root: Path, day: str, rows: list, **kw) -> None:
    deliver(root, "uw", "uw_case", day, rows, **kw)


UW_BASE = [{"case_id": "U1", "op": "I"}, {"case_id": "U2", "op": "I"}]
HEADER = list(BY_NAME[("core", "customer")].columns)

# (id, system-entity, writer of the bad D2 delivery, expected words, row, field)
CASES: list[tuple[str, str, Callable[[Path], None], list[str], int | None, str | None]] = [
    ("md5", "core", lambda r: _core(r, D2, [customer("C3")], md5="0" * 32),
     ["md5 is", "control file says"], None, "md5"),
    ("bytes", "core", lambda r: _core(r, D2, [customer("C3")], bytes=3),
     ["size is", "bytes"], None, "bytes"),
    ("rows", "core", lambda r: _core(r, D2, [customer("C3")], n_rows=5),
     ["1 data rows", "says 5"], None, "rows"),
    ("gbk-declared-utf8", "uw", lambda r: _csv(
        r, D2, [], data=render("uw", "uw_case", [{"case_id": "U3", "applicant_name": "张三",
                                                   "op": "I"}]).decode().encode("gbk"),
        n_rows=1), ["not valid UTF-8", "byte offset"], 1, None),
    ("missing-column", "core", lambda r: _core(r, D2, [], data=render(
        "core", "customer", [customer("C3")], header=[c for c in HEADER if c != "email"]),
        n_rows=1), ["missing column email"], 0, "email"),
    ("extra-column", "core", lambda r: _core(r, D2, [], data=render(
        "core", "customer", [customer("C3")], header=[*HEADER[:-1], "vip", "op"]),
        n_rows=1), ["unexpected column vip"], 0, "vip"),
    ("unknown-op", "core", lambda r: _core(r, D2, [customer("C3"), customer("C4", op="X")]),
     ["unknown op 'X'"], 2, "op"),
    ("full-with-update", "core", lambda r: _core(
        r, D2, [customer("C3", op="U")], extract_type="FULL"), ["in a FULL file"], 1, "op"),
    ("empty-key", "core", lambda r: _core(r, D2, [customer("C3"), customer("")]),
     ["empty key"], 2, "cust_no"),
    ("truncated-last-line", "core", lambda r: _core(
        r, D2, [], data=render("core", "customer", [customer("C3"), customer("C4")])[:-9],
        n_rows=2), ["truncated"], 2, None),
    ("short-last-record", "core", lambda r: _core(
        r, D2, [], data=render("core", "customer", [customer("C3")]) + b"C4|1|x\r\n",
        n_rows=2), ["3 fields, expected 23"], 2, None),
    ("csv-short-record", "uw", lambda r: _csv(
        r, D2, [], data=render("uw", "uw_case", [{"case_id": "U3", "op": "I"}]) + b"U4,\n",
        n_rows=2), ["2 fields, expected 18"], 2, None),
    ("core-declared-utf8", "core", lambda r: _core(r, D2, [customer("C3")], encoding="UTF-8"),
     ["must be GBK"], None, "encoding"),
    ("core-lf-only", "core", lambda r: _core(r, D2, [], data=render(
        "core", "customer", [customer("C3")]).replace(b"\r\n", b"\n"), n_rows=1),
     ["CRLF"], 0, None),
    ("ok-wrong-date", "core", lambda r: _core(r, D2, [customer("C3")], business_date=D3),
     ["business_date"], None, "business_date"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_refusal(warehouse: Warehouse, tmp_path: Path, case) -> None:
    _, system, write_bad, words, row, field = case
    table = "core__customer" if system == "core" else "uw__uw_case"
    if system == "core":
        _core(tmp_path, D1, BASE, extract_type="FULL")
    else:
        _csv(tmp_path, D1, UW_BASE, extract_type="FULL")
    assert land(warehouse, tmp_path).ok
    before = snapshot(warehouse, table)

    write_bad(tmp_path)
    report = land(warehouse, tmp_path)

    assert len(report.rejected) == 1 and not report.loaded
    rel = f"{system}/{D2}/{'customer.dat' if system == 'core' else 'uw_case.csv'}"
    reason = report.rejected[0].reason
    assert reason.startswith(rel + ": ")
    for word in words:
        assert word in reason
    assert snapshot(warehouse, table) == before
    assert rejections(warehouse) == [(rel, reason, row, field)]
    assert "13812345678" not in reason


def test_jsonl_unknown_key_refused(warehouse: Warehouse, tmp_path: Path) -> None:
    rows = [{"lead_id": "L1", "op": "I"}, {"lead_id": "L2", "vip_level": 3, "op": "I"}]
    deliver(tmp_path, "telesales", "lead", D1, rows, extract_type="FULL")
    report = land(warehouse, tmp_path)
    assert report.rejected[0].reason == (
        f"telesales/{D1}/lead.jsonl: row 2, field vip_level: unexpected key vip_level")
    assert snapshot(warehouse, "telesales__lead") == ([], [])


def test_refusal_blocks_later_dates_until_fixed(warehouse: Warehouse, tmp_path: Path) -> None:
    _core(tmp_path, D1, BASE, extract_type="FULL")
    _core(tmp_path, D2, [customer("C3", op="X")])
    _core(tmp_path, D3, [customer("C4")])
    report = land(warehouse, tmp_path)
    assert [b.business_date for b in report.loaded] == [D1]
    assert [r.business_date for r in report.rejected] == [D2]
    assert [(w.business_date, w.reason) for w in report.waiting] == [
        (D3, f"blocked behind {D2} (rejected)")]
    # the same bad file seen again: reported again, logged once
    land(warehouse, tmp_path)
    assert len(rejections(warehouse)) == 1
    # the source re-delivers a corrected D2: D2 and D3 now load, in order
    _core(tmp_path, D2, [customer("C3", op="U")])
    report = land(warehouse, tmp_path)
    assert [b.business_date for b in report.loaded] == [D2, D3]
    assert [b.business_date for b in report.skipped] == [D1]


def test_data_without_ok_waits(warehouse: Warehouse, tmp_path: Path) -> None:
    _core(tmp_path, D1, BASE, extract_type="FULL")
    _core(tmp_path, D2, [customer("C3")], with_ok=False)
    _core(tmp_path, D3, [customer("C4")])
    report = land(warehouse, tmp_path)
    assert [b.business_date for b in report.loaded] == [D1]
    assert [(w.business_date, w.file) for w in report.waiting] == [
        (D2, f"core/{D2}/customer.dat"), (D3, f"core/{D3}/customer.dat")]
    assert "no control file" in report.waiting[0].reason
    assert not report.rejected and rejections(warehouse) == []
    raw, batches = snapshot(warehouse, "core__customer")
    assert len(raw) == 2 and len(batches) == 1


def test_out_of_order_date_refused_unless_rerun(warehouse: Warehouse, tmp_path: Path) -> None:
    _core(tmp_path, D2, BASE, extract_type="FULL")
    land(warehouse, tmp_path)
    before = snapshot(warehouse, "core__customer")
    _core(tmp_path, D1, [customer("C9")])
    report = land(warehouse, tmp_path)
    assert len(report.rejected) == 1
    reason = report.rejected[0].reason
    assert reason.startswith(f"core/{D1}/customer.dat: ") and "older than" in reason
    assert f"re-run of (core, {D1})" in reason
    assert snapshot(warehouse, "core__customer") == before
    report = land(warehouse, tmp_path, rerun_dates=[("core", D1)])
    assert [b.business_date for b in report.loaded] == [D1]
    assert len(snapshot(warehouse, "core__customer")[0]) == 3


def test_through_limits_dates(warehouse: Warehouse, tmp_path: Path) -> None:
    _core(tmp_path, D1, BASE, extract_type="FULL")
    _core(tmp_path, D2, [customer("C3")])
    report = land(warehouse, tmp_path, through=D1)
    assert [b.business_date for b in report.loaded] == [D1] and not report.waiting


def test_impossible_and_future_dates_are_refused_and_block_no_real_day(
        warehouse: Warehouse, tmp_path: Path) -> None:
    _core(tmp_path, D1, BASE, extract_type="FULL")
    _core(tmp_path, "20240399", [customer("C7")])
    _core(tmp_path, "20991231", [customer("C8")])
    report = land(warehouse, tmp_path, today=date(2024, 3, 2))
    assert [r.reason for r in report.rejected] == [
        "core/20240399/customer.dat: field business_date: business date 20240399 is not "
        "a real date",
        "core/20991231/customer.dat: field business_date: business date 20991231 is later "
        "than today (20240302)"]
    assert [r[1] for r in rejections(warehouse)] == [r.reason for r in report.rejected]
    # the next real day loads; the future folder never became "already applied"
    _core(tmp_path, D2, [customer("C3")])
    report = land(warehouse, tmp_path, today=date(2024, 3, 2))
    assert [b.business_date for b in report.loaded] == [D2]
    _, batches = snapshot(warehouse, "core__customer")
    assert [b for b, _ in batches] == [f"core__customer__{D1}", f"core__customer__{D2}"]


def test_the_clock_is_the_callers(warehouse: Warehouse, tmp_path: Path) -> None:
    _core(tmp_path, D1, BASE, extract_type="FULL")
    report = land(warehouse, tmp_path, today=date(2024, 2, 29))
    assert not report.loaded and "later than today (20240229)" in report.rejected[0].reason
    report = land(warehouse, tmp_path, today=date(2024, 3, 1))
    assert [b.business_date for b in report.loaded] == [D1] and not report.rejected


def test_a_delivery_waiting_past_its_deadline_needs_attention(
        warehouse: Warehouse, tmp_path: Path) -> None:
    _core(tmp_path, D1, BASE, extract_type="FULL")
    _core(tmp_path, D2, [customer("C3")], with_ok=False)
    on_time = land(warehouse, tmp_path, today=date(2024, 3, 3))
    assert [(w.business_date, w.overdue) for w in on_time.waiting] == [(D2, False)]
    assert on_time.ok and not on_time.needs_attention
    late = land(warehouse, tmp_path, today=date(2024, 3, 4))
    assert [(w.business_date, w.overdue) for w in late.waiting] == [(D2, True)]
    assert late.needs_attention
    assert f"OVERDUE  core/{D2}/customer.dat: no control file" in "\n".join(
        late.summary_lines())
