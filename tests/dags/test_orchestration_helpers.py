"""The DAG's helpers: which business date a run is for, when a delivery is complete."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ecif.orchestration.control_files import missing_files
from ecif.orchestration.settings import REPO, Settings, business_date
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


def test_the_settings_come_from_ecif_variables_else_the_repository(tmp_path: Path):
    assert Settings.from_env({}) == Settings(
        warehouse=Warehouse(f"duckdb:///{REPO / 'ecif.duckdb'}"),
        extracts_dir=REPO / "source_extracts", exports_dir=REPO / "exports",
        reports_dir=REPO / "ecif.reports", backups_dir=REPO / "backups", backup_keep=8)
    env = {"ECIF_WAREHOUSE": "postgresql://etl@db:5433/ecif", "ECIF_EXTRACTS": str(tmp_path),
           "ECIF_EXPORTS": "/srv/out", "ECIF_REPORTS": "/srv/reports",
           "ECIF_BACKUPS": "/srv/backups", "ECIF_BACKUP_KEEP": "3"}
    assert Settings.from_env(env) == Settings(
        warehouse=Warehouse("postgresql://etl@db:5433/ecif"), extracts_dir=tmp_path,
        exports_dir=Path("/srv/out"), reports_dir=Path("/srv/reports/ecif"),
        backups_dir=Path("/srv/backups"), backup_keep=3)
