"""Idempotence, explicit re-runs, op-log anomalies, all-or-nothing batches."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecif.landing import bookkeeping
from ecif.landing.control_file import file_digest
from ecif.landing.loader import land
from ecif.warehouse import Warehouse
from tests.landing.landing_files import customer, deliver

D1, D2, D3 = "20240301", "20240302", "20240303"


def fetch(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.connect() as conn:
        return conn.fetchall(sql)


def test_loading_twice_changes_nothing(warehouse: Warehouse, tmp_path: Path) -> None:
    deliver(tmp_path, "core", "customer", D1, [customer("C1"), customer("C2")],
            extract_type="FULL")
    deliver(tmp_path, "finance", "payout", D1, [{"payout_no": "P1", "op": "I"}],
            extract_type="FULL")
    first = land(warehouse, tmp_path)
    assert len(first.loaded) == 2
    raw = fetch(warehouse, "select * from raw.core__customer order by _row_number")
    batches = fetch(warehouse, "select * from raw.landing_batch order by batch_id")
    second = land(warehouse, tmp_path)
    assert not second.loaded and not second.rejected and not second.waiting
    assert sorted(s.batch_id for s in second.skipped) == [
        f"core__customer__{D1}", f"finance__payout__{D1}"]
    assert fetch(warehouse, "select * from raw.core__customer order by _row_number") == raw
    assert fetch(warehouse, "select * from raw.landing_batch order by batch_id") == batches


def test_redelivery_refused_then_explicit_rerun_replaces(warehouse: Warehouse,
                                                          tmp_path: Path) -> None:
    deliver(tmp_path, "core", "customer", D1, [customer("C1"), customer("C2")],
            extract_type="FULL")
    deliver(tmp_path, "core", "customer", D2, [customer("C2", op="U", name="王五")])
    land(warehouse, tmp_path)
    before = fetch(warehouse, "select * from raw.core__customer order by _batch_id, _row_number")

    # D2 delivered again with other content, nobody asked for a re-run
    path = deliver(tmp_path, "core", "customer", D2,
                   [customer("C2", op="U", name="王六"), customer("C3")])
    report = land(warehouse, tmp_path)
    assert [r.business_date for r in report.rejected] == [D2]
    assert report.rejected[0].reason.startswith(f"core/{D2}/customer.dat: re-delivery")
    assert fetch(warehouse, "select * from raw.core__customer "
                 "order by _batch_id, _row_number") == before

    report = land(warehouse, tmp_path, rerun_dates=[("core", D2)])
    assert [(b.business_date, b.replaced, b.rows) for b in report.loaded] == [(D2, True, 2)]
    assert [s.business_date for s in report.skipped] == [D1]
    assert fetch(warehouse, f"select cust_no, name from raw.core__customer where _batch_id = "
                 f"'core__customer__{D2}' order by _row_number") == [("C2", "王六"), ("C3", "张三")]
    assert fetch(warehouse, "select count(*) from raw.core__customer") == [(4,)]
    assert fetch(warehouse, f"select md5, rows from raw.landing_batch where business_date = "
                 f"'{D2}'") == [(file_digest(path)[0], 2)]
    # and now the re-run batch is simply already loaded
    report = land(warehouse, tmp_path)
    assert not report.loaded and not report.rejected


def test_op_log_anomalies(warehouse: Warehouse, tmp_path: Path) -> None:
    deliver(tmp_path, "core", "customer", D1, [customer("A"), customer("B"), customer("G")],
            extract_type="FULL")
    deliver(tmp_path, "core", "customer", D2, [customer("G", op="D")])
    deliver(tmp_path, "core", "customer", D3, [
        customer("C", op="U"),   # 1 unknown key updated -> applied as insert, logged
        customer("Z", op="D"),   # 2 unknown key deleted -> ignored, logged
        customer("A", op="U"),   # 3 known, but repeated at row 4 -> superseded, logged
        customer("A", op="U"),   # 4 fine
        customer("B", op="D"),   # 5 known, fine; superseded by row 6 -> logged
        customer("B", op="U"),   # 6 U after D in the same file -> unknown key, logged
        customer("G", op="U"),   # 7 deleted on D2 -> unknown, logged
    ])
    report = land(warehouse, tmp_path)
    assert report.ok and [b.anomalies for b in report.loaded] == [0, 0, 6]
    got = fetch(warehouse, "select batch_id, row_number, key_value, anomaly "
                "from raw.landing_op_log order by row_number")
    batch = f"core__customer__{D3}"
    assert got == [
        (batch, 1, "C", "UPDATE_UNKNOWN_KEY: applied as insert"),
        (batch, 2, "Z", "DELETE_UNKNOWN_KEY: ignored"),
        (batch, 3, "A", "DUPLICATE_KEY: superseded by row 4"),
        (batch, 5, "B", "DUPLICATE_KEY: superseded by row 6"),
        (batch, 6, "B", "UPDATE_UNKNOWN_KEY: applied as insert"),
        (batch, 7, "G", "UPDATE_UNKNOWN_KEY: applied as insert"),
    ]
    # raw keeps every delivered row, superseded ones included
    assert fetch(warehouse, f"select count(*) from raw.core__customer "
                 f"where _batch_id = '{batch}'") == [(7,)]


def test_full_batch_resets_known_keys(warehouse: Warehouse, tmp_path: Path) -> None:
    deliver(tmp_path, "finance", "receipt", D1, [{"receipt_no": "R1", "op": "I"}],
            extract_type="FULL")
    deliver(tmp_path, "finance", "receipt", D2, [{"receipt_no": "R2", "op": "I"}],
            extract_type="FULL")
    deliver(tmp_path, "finance", "receipt", D3, [{"receipt_no": "R1", "op": "U"},
                                                 {"receipt_no": "R2", "op": "U"}])
    land(warehouse, tmp_path)
    assert fetch(warehouse, "select row_number, key_value, anomaly from raw.landing_op_log") == [
        (1, "R1", "UPDATE_UNKNOWN_KEY: applied as insert")]


def test_batch_is_all_or_nothing(warehouse: Warehouse, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    deliver(tmp_path, "core", "customer", D1, [customer("C1"), customer("C1")],
            extract_type="FULL")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bookkeeping, "record_batch", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        land(warehouse, tmp_path)
    assert fetch(warehouse, "select count(*) from raw.core__customer") == [(0,)]
    assert fetch(warehouse, "select count(*) from raw.landing_op_log") == [(0,)]
    assert fetch(warehouse, "select count(*) from raw.landing_batch") == [(0,)]
    monkeypatch.undo()
    report = land(warehouse, tmp_path)
    assert [b.rows for b in report.loaded] == [2]


def test_rerun_failure_keeps_previous_rows(warehouse: Warehouse, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    deliver(tmp_path, "core", "customer", D1, [customer("C1")], extract_type="FULL")
    land(warehouse, tmp_path)
    before = fetch(warehouse, "select * from raw.core__customer")
    deliver(tmp_path, "core", "customer", D1, [customer("C2"), customer("C3")],
            extract_type="FULL")
    monkeypatch.setattr(bookkeeping, "record_batch",
                        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        land(warehouse, tmp_path, rerun_dates=[("core", D1)])
    assert fetch(warehouse, "select * from raw.core__customer") == before


def test_progress_and_summary(warehouse: Warehouse, tmp_path: Path) -> None:
    deliver(tmp_path, "core", "customer", D1, [customer("C1", mobile="13812345678")],
            extract_type="FULL")
    deliver(tmp_path, "core", "customer", D2, [customer("C2", mobile="13812345678", op="Q")])
    calls: list[tuple[str, int, int]] = []
    report = land(warehouse, tmp_path, on_progress=lambda m, d, t: calls.append((m, d, t)))
    assert calls[-1][1:] == (2, 2)
    text = "\n".join(report.summary_lines())
    assert "1 batch(es) loaded" in text and "1 rejected" in text
    assert "13812345678" not in text
