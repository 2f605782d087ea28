"""ecif_weekly_backup: every Sunday, one task that backs the warehouse up into the
settings' backups folder, keeping the newest ECIF_BACKUP_KEEP."""

from __future__ import annotations

import json

import pendulum

from ecif.warehouse import Warehouse


def test_the_weekly_task_backs_up_and_keeps_the_newest(airflow_db, tmp_path, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    from tests.dags.airflow_env import REPO

    dag = DagBag(dag_folder=str(REPO / "dags" / "ecif_weekly_backup.py")).dags[
        "ecif_weekly_backup"]
    assert dag.timetable.expression == "0 5 * * 0" and not dag.catchup
    assert dag.get_task("backup").pool == "ecif_warehouse"
    warehouse = Warehouse(f"duckdb:///{tmp_path / 'ecif.duckdb'}")
    with warehouse.connect() as conn:
        conn.execute("create schema marts")
        conn.execute("create table marts.customer as select 'P1' as party_id")
    backups = tmp_path / "backups"
    for name, value in {"ECIF_WAREHOUSE": warehouse.url, "ECIF_BACKUPS": str(backups),
                        "ECIF_BACKUP_KEEP": "1"}.items():
        monkeypatch.setenv(name, value)
    for week in (8, 15):
        run = dag.test(logical_date=pendulum.datetime(2026, 11, week, 5, tz="Asia/Shanghai"))
        assert run.state == "success"
    kept = list(backups.iterdir())
    assert len(kept) == 1      # the older week's backup is gone
    manifest = json.loads((kept[0] / "manifest.json").read_text())
    assert manifest["tables"]["marts.customer"]["rows"] == 1
