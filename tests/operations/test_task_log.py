"""The DAG's task callbacks write one JSON line per task end into the operations log
(no Airflow needed: the callbacks read only the context's run, task and error)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from ecif import ops_log
from ecif.orchestration import task_log
from ecif.warehouse import Warehouse


def test_a_failed_task_logs_an_error_line_with_its_run_task_and_duration(tmp_path,
                                                                         monkeypatch):
    warehouse = Warehouse(f"duckdb:///{tmp_path / 'ecif.duckdb'}")
    monkeypatch.setenv("ECIF_WAREHOUSE", warehouse.url)
    started = datetime.now(UTC) - timedelta(seconds=5)
    ti = SimpleNamespace(task_id="land_core", start_date=started, try_number=2)
    context = {"ti": ti, "dag_run": SimpleNamespace(run_id="scheduled__2026-11-02"),
               "exception": ValueError("mobile 13812345678 refused")}
    task_log.on_failure(context)
    task_log.on_success({**context, "exception": None,
                         "ti": SimpleNamespace(task_id="match", start_date=started,
                                               try_number=1)})
    lines = [json.loads(line) for line in ops_log.lines_of_run(
        ops_log.log_file(warehouse), "scheduled__2026-11-02")]
    assert [(line["level"], line["step"]) for line in lines] == [
        ("ERROR", "land_core"), ("INFO", "match")]
    assert lines[0]["duration"] >= 5 and lines[0]["try"] == 2
    assert lines[0]["error"] == "ValueError: mobile 138****5678 refused"
    assert "error" not in lines[1]
