"""Raw retention (`ecif archive`): only rows that no longer shape the current state and
are older than the window leave raw, into Parquet files that hold exactly them; the
staging state and its reconciliation stay true; `--from-archive` gives the state before
archiving back; an erasure reaches the files; an interrupted archive completes. On
DuckDB and PostgreSQL, on hand-made raw rows."""

from __future__ import annotations

import stat
from datetime import date, datetime

import pyarrow.parquet as pq
import pytest

from ecif import archive
from ecif.archive import archive_raw, erase_from_archive, restore_archive
from ecif.extract_spec import BY_NAME
from ecif.identifiers import mention_id
from ecif.landing import erasures
from ecif.pipeline import build_staging
from tests.dbt.raw_rows import load_raw
from tests.dbt.test_incremental_state import checksums

pytestmark = pytest.mark.slow  # dbt builds per test

TODAY = date(2026, 12, 1)       # 90 days back: 20260902
OLD1, OLD2, OLD3, RECENT = "20260101", "20260102", "20260201", "20261101"
CUSTOMER, LEAD = BY_NAME[("core", "customer")], BY_NAME[("telesales", "lead")]
TABLES = ["staging.stg_core__customer", "staging.stg_telesales__lead",
          "staging.stg_core__customer_disposition", "staging.stg_telesales__lead_disposition",
          "quality.dq_exception", "intermediate.int_party_mention"]


def customer(key: str, name: str, op: str = "I") -> dict:
    return {"cust_no": key, "cust_type": "1", "name": name, "op": op,
            "mobile": f"1391111{int(key[1:]):04d}"}


# (batch id, row number) of the rows that leave: old and not current
LEAVING = {("core__customer__20260101", 1), ("core__customer__20260101", 2),   # C1, C2 old
           ("core__customer__20260101", 3), ("core__customer__20260101", 4),   # C3, C4 old
           ("core__customer__20260102", 2),                                    # C2's D
           ("telesales__lead__20260101", 1)}                                   # before a FULL


def land(warehouse) -> None:
    load_raw(warehouse, [
        ("core.customer", OLD1, "DELTA", [customer("C1", "甲"), customer("C2", "乙"),
                                          customer("C3", "丙"), customer("C4", "丁")]),
        # C1 updated (its new row is old but current: it stays), C2 deleted
        ("core.customer", OLD2, "DELTA", [customer("C1", "甲一", "U"),
                                          {"cust_no": "C2", "op": "D"}]),
        ("telesales.lead", OLD1, "DELTA", [{"lead_id": "L1", "name": "ZHANG WEI", "op": "I"}]),
        # a FULL lead batch: L1's row is BEFORE_FULL
        ("telesales.lead", OLD3, "FULL", [{"lead_id": "L2", "name": "LI NA", "op": "I"}]),
        # recent: C3 and C4 updated; C5 inserted and updated (its first row is superseded
        # but inside the window: it stays)
        ("core.customer", RECENT, "DELTA", [customer("C3", "丙二", "U"),
                                            customer("C4", "丁二", "U"),
                                            customer("C5", "戊"), customer("C5", "戊二", "U")]),
    ])
    build_staging(warehouse)


def state(warehouse) -> dict[str, tuple[int, str]]:
    return checksums(warehouse, TABLES)


def raw_rows(warehouse, spec) -> dict[tuple[str, int], dict]:
    columns = [*spec.columns, "_batch_id", "_business_date", "_extract_type", "_file",
               "_row_number", "_loaded_at"]
    with warehouse.connect() as conn:
        rows = conn.fetchall(f"select {', '.join(columns)} from raw.{spec.raw_table}")
    return {(row["_batch_id"], row["_row_number"]): row
            for row in (dict(zip(columns, r, strict=True)) for r in rows)}


def archived_rows(folder) -> dict[tuple[str, int], dict]:
    return {(row["_batch_id"], row["_row_number"]): row
            for path in sorted(folder.glob("*/*/*.parquet"))
            for row in pq.read_table(path).to_pylist()}


@pytest.fixture
def landed(warehouse, tmp_path):
    land(warehouse)
    before = {spec.raw_table: raw_rows(warehouse, spec) for spec in (CUSTOMER, LEAD)}
    return warehouse, tmp_path / "archive", before, state(warehouse)


def test_only_old_rows_that_no_longer_count_leave_into_parquet(landed):
    warehouse, folder, before, staged_before = landed
    report = archive_raw(warehouse, folder, 90, TODAY)
    assert (report.rows, report.files, report.cutoff) == (6, 3, "20260902")
    assert report.line().startswith("archive: 6 raw row(s) before 20260902")
    removed = {key: row for table in before.values() for key, row in table.items()
               if key not in {**raw_rows(warehouse, CUSTOMER), **raw_rows(warehouse, LEAD)}}
    assert set(removed) == LEAVING
    # the files hold exactly the removed rows, value for value
    assert archived_rows(folder) == removed
    assert sorted(p.relative_to(folder).as_posix() for p in folder.glob("*/*/*.parquet")) == [
        "core/customer/20260101.parquet", "core/customer/20260102.parquet",
        "telesales/lead/20260101.parquet"]
    assert stat.S_IMODE((folder / "core/customer/20260101.parquet").stat().st_mode) == 0o600
    # the current state did not change
    after = state(warehouse)
    for table in ("staging.stg_core__customer", "staging.stg_telesales__lead",
                  "intermediate.int_party_mention"):
        assert after[table] == staged_before[table]
    # a second run finds nothing more
    assert archive_raw(warehouse, folder, 90, TODAY).rows == 0


def test_raw_is_still_staged_or_explained_and_landed_is_raw_plus_archived(landed):
    warehouse, folder, _, _ = landed
    archive_raw(warehouse, folder, 90, TODAY)
    with warehouse.connect() as conn:
        for spec in (CUSTOMER, LEAD):
            model = f"stg_{spec.raw_table}"
            raw = conn.scalar(f"select count(*) from raw.{spec.raw_table}")
            staged = conn.scalar(f"select count(*) from staging.{model}")
            explained = conn.scalar("select count(*) from quality.dq_exception "
                                    f"where model = '{model}' and field is null")
            assert raw == staged + explained
            landed_rows = conn.scalar("select sum(rows) from raw.landing_batch where "
                                      "system = ? and entity = ?", [spec.system, spec.entity])
            kept = conn.scalar("select count(*) from raw.landing_batch as b join "
                               f"raw.{spec.raw_table} as r on r._batch_id = b.batch_id")
            gone = conn.scalar("select sum(rows) from raw.archived_batch_rows where "
                               "system = ? and entity = ?", [spec.system, spec.entity])
            assert landed_rows == kept + gone


def test_a_rebuild_after_archiving_equals_the_incremental_state(landed):
    warehouse, folder, _, _ = landed
    archive_raw(warehouse, folder, 90, TODAY)
    incremental = state(warehouse)
    build_staging(warehouse, full=True)
    assert state(warehouse) == incremental


def test_from_archive_gives_back_the_state_before_archiving(landed):
    warehouse, folder, before, staged_before = landed
    archive_raw(warehouse, folder, 90, TODAY)
    assert restore_archive(warehouse, folder) == len(LEAVING)
    build_staging(warehouse, full=True)
    assert state(warehouse) == staged_before
    assert raw_rows(warehouse, CUSTOMER) == before[CUSTOMER.raw_table]
    # the rows are in raw again: the files and their bookkeeping are gone
    assert list(folder.glob("*/*/*.parquet")) == []
    with warehouse.connect() as conn:
        assert conn.scalar("select count(*) from raw.archived_batch_rows") == 0


def test_an_erasure_after_archiving_reaches_the_files(landed):
    warehouse, folder, _, _ = landed
    archive_raw(warehouse, folder, 90, TODAY)
    with warehouse.connect() as conn:
        # C2 by its customer key, C1 by its mobile (which its archived row carries)
        erasures.remember(conn, 1, datetime(2026, 12, 1), mobiles=["13911110001"],
                          mention_ids=[mention_id("core", "customer", "C2", "customer")],
                          id_nos=[])
        assert erase_from_archive(conn, folder) == 2
        # screened once: nothing new in the register, nothing rewritten
        assert erase_from_archive(conn, folder) == 0
        counted = conn.scalar("select sum(rows) from raw.archived_batch_rows")
        # listed as landing lists the rows of an erased person it screens, once
        erased = conn.fetchall("select batch_id, system, entity, row_number, field "
                               "from raw.landing_erased order by 1, 4")
    assert erased == [("core__customer__20260101", "core", "customer", 1, "customer"),
                      ("core__customer__20260101", "core", "customer", 2, "customer"),
                      ("core__customer__20260102", "core", "customer", 2, "customer")]
    left = archived_rows(folder)
    assert set(left) == LEAVING - {("core__customer__20260101", 1),
                                   ("core__customer__20260101", 2),
                                   ("core__customer__20260102", 2)}
    assert "13911110001" not in {row.get("mobile") for row in left.values()}
    assert counted == len(left)


def test_an_archive_interrupted_before_the_delete_completes_on_the_next_run(
        landed, monkeypatch):
    warehouse, folder, before, _ = landed

    def crash(*args, **kwargs):
        raise OSError("killed between the file and the delete")

    monkeypatch.setattr(archive, "_forget_in_warehouse", crash)
    with pytest.raises(OSError):
        archive_raw(warehouse, folder, 90, TODAY)
    assert archived_rows(folder)        # a file was written, the rows are still in raw
    assert raw_rows(warehouse, CUSTOMER) == before[CUSTOMER.raw_table]
    monkeypatch.undo()
    report = archive_raw(warehouse, folder, 90, TODAY)
    assert report.rows == len(LEAVING)
    archived = archived_rows(folder)
    assert set(archived) == LEAVING and len(archived) == sum(
        pq.read_table(p).num_rows for p in folder.glob("*/*/*.parquet"))
    with warehouse.connect() as conn:
        assert conn.scalar("select sum(rows) from raw.archived_batch_rows") == len(LEAVING)


def test_an_entity_waits_for_its_staging_build(warehouse, tmp_path):
    land(warehouse)
    load_raw(warehouse, [("core.customer", "20261102", "DELTA", [customer("C6", "己")])])
    report = archive_raw(warehouse, tmp_path, 90, TODAY)
    # the customers' new batch is not staged: their rows stay; the leads' go
    assert set(archived_rows(tmp_path)) == {("telesales__lead__20260101", 1)}
    assert report.waiting == ["core.customer"]
    assert report.line().endswith("; not yet staged, left for later: core.customer")


def test_the_command_archives_with_the_settings_and_says_how_much(duckdb_warehouse, tmp_path,
                                                                  monkeypatch):
    from typer.testing import CliRunner

    from ecif.cli import app

    land(duckdb_warehouse)
    monkeypatch.setenv("ECIF_ARCHIVE", str(tmp_path / "kept"))
    monkeypatch.setenv("ECIF_RAW_RETENTION_DAYS", "x")
    runner = CliRunner()
    refused = runner.invoke(app, ["archive", "--warehouse", duckdb_warehouse.url])
    assert refused.exit_code == 1 and "ECIF_RAW_RETENTION_DAYS='x'" in refused.output
    monkeypatch.setenv("ECIF_RAW_RETENTION_DAYS", "90")
    monkeypatch.setattr(archive, "business_today", lambda: TODAY)
    done = runner.invoke(app, ["archive", "--warehouse", duckdb_warehouse.url])
    assert done.exit_code == 0, done.output
    assert f"{len(LEAVING)} raw row(s)" in done.output and "3 file(s)" in done.output
    assert set(archived_rows(tmp_path / "kept")) == LEAVING


def test_from_archive_is_only_for_a_full_rebuild(duckdb_warehouse, tmp_path):
    from typer.testing import CliRunner

    from ecif.cli import app

    refused = CliRunner().invoke(app, ["run", "--extracts", str(tmp_path), "--from-archive",
                                       "--warehouse", duckdb_warehouse.url])
    assert refused.exit_code == 1
    assert "--from-archive rebuilds from all history: use it with --full" in refused.output
