"""The DAG's helpers: which business date a run is for, when a delivery is complete."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ecif.orchestration.control_files import missing_files
from ecif.orchestration.runs import REPO, business_date, task_settings
from ecif.report_folders import reports_root
from ecif.warehouse import Warehouse


def test_a_run_processes_the_previous_beijing_day():
    # 02:00 Beijing on 3 Nov is still 2 Nov in UTC: the date is Beijing's, minus one
    assert business_date(datetime(2026, 11, 2, 18, 0, tzinfo=UTC)) == "20261102"
    assert business_date(datetime(2026, 11, 2, 15, 0, tzinfo=UTC)) == "20261101"
    assert business_date(datetime(2026, 11, 2, 18, 0, tzinfo=UTC), "20261030") == "20261030"
    with pytest.raises(ValueError):
        business_date(datetime(2026, 11, 2, tzinfo=UTC), "2026-10-30")


def test_a_delivery_is_complete_when_every_data_file_has_its_control_file(tmp_path: Path):
    day = tmp_path / "finance" / "20261102"
    day.mkdir(parents=True)
    assert missing_files(tmp_path, "finance", "20261102") == [
        "finance/20261102/receipt.tsv", "finance/20261102/receipt.ok",
        "finance/20261102/payout.tsv", "finance/20261102/payout.ok"]
    for name in ("payout.tsv", "payout.ok", "receipt.tsv"):
        (day / name).write_text("")
    assert missing_files(tmp_path, "finance", "20261102") == ["finance/20261102/receipt.ok"]
    (day / "receipt.ok").write_text("")
    assert missing_files(tmp_path, "finance", "20261102") == []


def test_the_settings_come_from_ecif_variables_else_the_repository(tmp_path: Path,
                                                                    monkeypatch):
    for name in ("ECIF_WAREHOUSE", "ECIF_EXTRACTS", "ECIF_EXPORTS", "ECIF_REPORTS",
                 "ECIF_BACKUPS", "ECIF_BACKUP_KEEP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)     # the defaults are the repository's, wherever a task runs
    defaults = task_settings()
    assert (defaults.warehouse, defaults.extracts_dir, defaults.exports_dir,
            defaults.backups_dir, defaults.backup_keep) == (
        Warehouse(f"duckdb:///{REPO / 'ecif.duckdb'}"), REPO / "source_extracts",
        REPO / "exports", REPO / "backups", None)
    assert reports_root(defaults.warehouse, defaults) == REPO / "ecif.reports"
    env = {"ECIF_WAREHOUSE": "postgresql://etl@db:5433/ecif", "ECIF_EXTRACTS": str(tmp_path),
           "ECIF_EXPORTS": "/srv/out", "ECIF_REPORTS": "/srv/reports",
           "ECIF_BACKUPS": "/srv/backups", "ECIF_BACKUP_KEEP": "3"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    given = task_settings()
    assert (given.warehouse, given.extracts_dir, given.exports_dir, given.backups_dir,
            given.backup_keep) == (
        Warehouse("postgresql://etl@db:5433/ecif"), tmp_path, Path("/srv/out"),
        Path("/srv/backups"), 3)
    assert reports_root(given.warehouse, given) == Path("/srv/reports/ecif")


def test_the_repository_is_the_checkout_that_holds_the_dbt_project():
    assert REPO == Path(__file__).resolve().parents[2]
