"""A nightly's process gives the CPUs to the service first: it and the threads it
starts afterwards (DuckDB's, dbt's) run ECIF_RUN_NICE nicer (ecif.run_lock)."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from types import SimpleNamespace

from typer.testing import CliRunner

from ecif import cli, run_lock
from ecif.orchestration.runs import warehouse_task

PROBE = """
import os, threading
from ecif.run_lock import yield_to_the_service
yield_to_the_service()
seen = []
thread = threading.Thread(target=lambda: seen.append(os.getpriority(os.PRIO_PROCESS, 0)))
thread.start()
thread.join()
print(os.getpriority(os.PRIO_PROCESS, 0), seen[0])
"""


def probe(nice: str, start_nicer_by: int = 0) -> list[int]:
    process = subprocess.run([sys.executable, "-c", PROBE], check=True, capture_output=True,
                             text=True, env={**os.environ, "ECIF_RUN_NICE": nice},
                             preexec_fn=lambda: os.nice(start_nicer_by))
    return [int(value) for value in process.stdout.split()]


def test_the_run_and_its_later_threads_run_nicer_never_less_nice():
    now = os.getpriority(os.PRIO_PROCESS, 0)
    assert probe("7") == [max(now, 7)] * 2
    # already nicer than asked: left as it is (raising a priority needs privileges)
    assert probe("3", start_nicer_by=12) == [min(now + 12, 19)] * 2


def test_ecif_run_and_the_dag_tasks_yield_before_they_open_the_warehouse(monkeypatch, tmp_path):
    calls: list[str] = []
    monkeypatch.setattr(run_lock, "yield_to_the_service", lambda: calls.append("yield"))
    monkeypatch.setattr(cli, "_run_and_report", lambda *args, **kwargs: calls.append("run")
                        or SimpleNamespace(needs_attention=False))
    result = CliRunner().invoke(cli.app, ["run", "--extracts", str(tmp_path), "--warehouse",
                                          f"duckdb:///{tmp_path / 'w.duckdb'}"])
    assert result.exit_code == 0, result.output
    assert calls == ["yield", "run"]

    @contextmanager
    def lock(warehouse, what):
        calls.append(f"lock for {what}")
        yield

    calls.clear()
    monkeypatch.setattr(run_lock, "exclusive", lock)
    monkeypatch.setenv("ECIF_WAREHOUSE", f"duckdb:///{tmp_path / 'w.duckdb'}")
    with warehouse_task("build_marts"):
        calls.append("task")
    assert calls == ["yield", "lock for Airflow task build_marts", "task"]


def test_a_bad_run_nice_is_one_clear_line(tmp_path):
    result = CliRunner().invoke(cli.app, ["run", "--extracts", str(tmp_path)],
                                env={"ECIF_RUN_NICE": "-5"})
    assert result.exit_code == 1
    assert "ECIF_RUN_NICE='-5': expected a whole number, at least 0" in result.output
