"""One reports folder per warehouse, whichever directory a command runs in."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecif.report_folders import reports_root
from ecif.settings import Settings
from ecif.warehouse import Warehouse
from matching.evidence import evidence_root

DUCKDB = Warehouse("duckdb:////data/ecif/night.duckdb")
PG = Warehouse("postgresql://etl@db:5433/ecif_uat")


def test_a_duckdb_warehouse_keeps_its_reports_beside_its_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert reports_root(DUCKDB, Settings()) == Path("/data/ecif/night.reports")


def test_a_postgres_warehouse_gets_a_folder_named_for_its_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert reports_root(PG, Settings()) == tmp_path / "reports" / "ecif_uat"
    assert reports_root(Warehouse("postgresql://etl@db:5433/ecif_prod"), Settings()) != (
        reports_root(PG, Settings()))


@pytest.mark.parametrize(("warehouse", "name"), [(DUCKDB, "night"), (PG, "ecif_uat")])
def test_ecif_reports_holds_a_folder_per_warehouse(warehouse, name):
    assert reports_root(warehouse, Settings.from_env({"ECIF_REPORTS": "/srv/reports"})) == (
        Path("/srv/reports") / name)


def test_matching_evidence_goes_to_the_warehouses_folder(monkeypatch):
    monkeypatch.setenv("ECIF_REPORTS", "/srv/reports")
    assert evidence_root(PG) == Path("/srv/reports/ecif_uat/matching")
