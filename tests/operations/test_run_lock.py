"""Two writers never overlap on one warehouse: the second waits, then fails in one line
naming the holder; a holder that died leaves no lock behind; run ids never repeat."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecif.cli import app
from ecif.hand_over import announce, announcement
from ecif.run_lock import WAIT_VAR, WarehouseBusy, exclusive, lock_file, next_run_id

ECIF_DBT = str(Path(sys.executable).with_name("ecif-dbt"))     # the DAG's dbt

HOLD = """
import sys, time
from ecif.run_lock import exclusive
from ecif.warehouse import Warehouse
with exclusive(Warehouse(sys.argv[1]), "ecif run"):
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def holder(warehouse):
    """Another process holding the warehouse lock as `ecif run` would."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, warehouse.url],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    yield process
    process.kill()
    process.wait()


def test_a_second_writer_waits_then_names_the_holder(warehouse, holder, monkeypatch):
    monkeypatch.setenv(WAIT_VAR, "1")
    started = time.monotonic()
    with pytest.raises(WarehouseBusy) as busy, exclusive(warehouse, "a marts build"):
        pass
    assert time.monotonic() - started >= 1
    message = str(busy.value)
    assert f"ecif run, pid {holder.pid} on " in message and "since 20" in message
    assert "waited 1 s" in message and "\n" not in message


def test_the_lock_of_a_killed_run_is_free_at_once(warehouse, holder, monkeypatch):
    monkeypatch.setenv(WAIT_VAR, "5")
    holder.kill()
    holder.wait()
    if warehouse.kind == "duckdb":
        assert lock_file(warehouse).exists()     # left behind, and stale
    started = time.monotonic()
    with exclusive(warehouse, "ecif run"):
        pass
    assert time.monotonic() - started < 2


def test_the_lock_is_reentrant_in_a_thread_and_exclusive_between_threads(duckdb_warehouse):
    order = []

    def approval() -> None:
        with exclusive(duckdb_warehouse, "an approval"):
            order.append("approval")

    with exclusive(duckdb_warehouse, "ecif run"):
        with exclusive(duckdb_warehouse, "a land step"):    # the run's own step: no wait
            order.append("step")
        other = threading.Thread(target=approval)
        other.start()
        other.join(1.5)
        assert other.is_alive()             # waits for the run to end
        order.append("run ends")
    other.join(10)
    assert order == ["step", "run ends", "approval"]


def test_ecif_run_on_a_busy_warehouse_fails_in_one_line(warehouse, holder, tmp_path,
                                                        monkeypatch):
    monkeypatch.setenv(WAIT_VAR, "0")
    (tmp_path / "extracts").mkdir()
    result = CliRunner().invoke(app, ["run", "--warehouse", warehouse.url,
                                      "--extracts", str(tmp_path / "extracts")])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: warehouse ")
    assert f"ecif run, pid {holder.pid}" in lines[0]


def test_run_ids_follow_the_highest_not_the_count(warehouse):
    with warehouse.connect() as conn:
        assert next_run_id(conn, "matching.match_run", "R") == "R000001"   # no table yet
        conn.execute("create schema if not exists matching")
        conn.execute("create table matching.match_run (run_id varchar)")
        conn.execute("insert into matching.match_run values ('R000001'), ('R000003')")
        assert next_run_id(conn, "matching.match_run", "R") == "R000004"


def test_a_service_that_does_not_step_aside_fails_the_writer_in_one_line(duckdb_warehouse):
    """A live process announced as the warehouse's service whose channel answers nothing
    (a port nobody listens on); the lock is free again afterwards."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        announce(duckdb_warehouse, port, "s3cret")
        text = announcement(duckdb_warehouse).read_text()
        announcement(duckdb_warehouse).write_text(text.replace(
            f'"pid": {os.getpid()}', f'"pid": {alive.pid}'))
        assert oct(announcement(duckdb_warehouse).stat().st_mode & 0o777) == "0o600"
        with pytest.raises(WarehouseBusy) as busy, exclusive(duckdb_warehouse, "ecif run"):
            pass
        message = str(busy.value)
        assert "\n" not in message and f"pid {alive.pid}" in message
        assert "did not answer its request to step aside" in message
    finally:
        alive.kill()
        alive.wait()
    # the announced process is gone: its announcement is ignored and removed
    with exclusive(duckdb_warehouse, "ecif run"):
        assert not announcement(duckdb_warehouse).exists()


def test_the_dags_dbt_runs_only_under_the_lock(warehouse, holder):
    """ecif-dbt, the DAG's dbt executable, with the environment its task gives it."""
    env = {**os.environ, "ECIF_WAREHOUSE": warehouse.url, WAIT_VAR: "1"}
    busy = subprocess.run([ECIF_DBT, "--version"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert busy.returncode == 1 and "installed" not in busy.stdout     # dbt did not run
    assert busy.stderr.startswith("error: warehouse ") and "\n" not in busy.stderr.strip()
    assert f"ecif run, pid {holder.pid}" in busy.stderr
    holder.kill()
    holder.wait()
    free = subprocess.run([ECIF_DBT, "--version"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert free.returncode == 0 and "installed" in free.stdout, free.stdout + free.stderr
