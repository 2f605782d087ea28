"""The queue of rebuilds steward decisions wait for, and the layering that puts it
between the two: stewardship queues without importing the pipeline, the pipeline
drains without reaching into stewardship. (The runner's rebuilds themselves, through to
the marts and the change feed: tests/events/test_change_feed.py.)"""

from __future__ import annotations

import ast
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from typer.testing import CliRunner

from ecif.cli import app
from ecif.pipeline import apply_decisions
from ecif.rebuild_queue import earliest, mark_applied, queued
from ecif.stewardship_schema import ensure_tables

PACKAGE = Path(__file__).parents[2] / "ecif"


def add_requests(warehouse, *rows: tuple[int, str, str]) -> None:
    with warehouse.connect() as conn:
        ensure_tables(conn)
        for request_id, kind, status in rows:
            conn.execute("insert into stewardship.request values (?, ?, '{}', 'why', ?, "
                         "'stew', current_timestamp, 'appr', current_timestamp, null)",
                         [request_id, kind, status])


def statuses(warehouse) -> dict[int, str]:
    with warehouse.connect() as conn:
        return dict(conn.fetchall("select request_id, status from stewardship.request"))


def test_one_rebuild_starts_from_the_earliest_step_any_request_needs():
    assert earliest(["marts", "matching", None]) == "matching"
    assert earliest(["marts", "staging", "matching"]) == "staging"
    assert earliest(["marts"]) == "marts"
    assert earliest([None]) is None and earliest([]) is None


def test_the_queue_is_the_approved_requests_and_only_they_become_applied(warehouse):
    add_requests(warehouse, (1, "MERGE", "APPLIED"), (2, "MODIFY", "APPROVED"),
                 (3, "CREATE", "APPROVED"), (4, "SPLIT", "PENDING"), (5, "MERGE", "APPROVED"),
                 (6, "MODIFY", "REJECTED"))
    with warehouse.connect() as conn:
        assert queued(conn) == {2: "marts", 3: "staging", 5: "matching"}
        # 5 rolled back while the rebuild ran: it keeps that status
        conn.execute("update stewardship.request set status = 'ROLLED_BACK' "
                     "where request_id = 5")
        mark_applied(conn, [2, 3, 5])
        assert queued(conn) == {}
    assert statuses(warehouse) == {1: "APPLIED", 2: "APPLIED", 3: "APPLIED", 4: "PENDING",
                                   5: "ROLLED_BACK", 6: "REJECTED"}


def test_a_run_applies_only_the_decisions_taken_before_it_started(warehouse):
    """The Airflow night's publication: its marts hold what was decided before the run
    began; a decision taken during the run waits for the runner or the next night."""
    add_requests(warehouse, (11, "MERGE", "APPROVED"), (12, "MODIFY", "APPROVED"))
    with warehouse.connect() as conn:
        conn.execute("update stewardship.request set decided_at = ? where request_id = ?",
                     [datetime(2026, 11, 30, 17, 59), 11])
        conn.execute("update stewardship.request set decided_at = ? where request_id = ?",
                     [datetime(2026, 11, 30, 18, 1), 12])
        started = datetime(2026, 12, 1, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # 18:00 UTC
        assert queued(conn, decided_before=started) == {11: "matching"}
        assert queued(conn) == {11: "matching", 12: "marts"}


def test_the_runner_says_when_nothing_is_queued(duckdb_warehouse):
    result = CliRunner().invoke(app, ["rebuild", "--warehouse", duckdb_warehouse.url])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "nothing queued"


def test_requests_that_change_no_customer_data_are_applied_without_a_rebuild(
        duckdb_warehouse):
    """A role change approved before approvals applied such requests at once."""
    add_requests(duckdb_warehouse, (7, "ROLE", "APPROVED"))
    applied = apply_decisions(duckdb_warehouse)     # no marts exist: a rebuild would fail
    assert applied.line() == "applied request(s) 7: nothing to rebuild"
    assert statuses(duckdb_warehouse) == {7: "APPLIED"}


def test_the_watching_runner_applies_rounds_until_stopped(duckdb_warehouse):
    add_requests(duckdb_warehouse, (8, "ROLE", "APPROVED"))
    runner = subprocess.Popen(
        [str(Path(sys.executable).with_name("ecif")), "rebuild", "--watch", "1",
         "--warehouse", duckdb_warehouse.url], stdout=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, runner.kill)     # no line in a minute: fail, not hang
    watchdog.start()
    try:
        assert runner.stdout.readline().strip() == "applied request(s) 8: nothing to rebuild"
        assert runner.poll() is None        # still running, for the next round
    finally:
        watchdog.cancel()
        runner.kill()
        runner.wait()
    assert statuses(duckdb_warehouse) == {8: "APPLIED"}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_stewardship_and_the_pipeline_do_not_import_each_other():
    stewardship = {path.name: imported_modules(path)
                   for path in (PACKAGE / "stewardship").glob("*.py")}
    assert "service.py" in stewardship and "effects.py" in stewardship
    assert {name: sorted(m for m in modules if m.startswith("ecif.pipeline"))
            for name, modules in stewardship.items()} == {name: [] for name in stewardship}
    pipeline = imported_modules(PACKAGE / "pipeline.py")
    assert "ecif.rebuild_queue" in pipeline
    assert sorted(m for m in pipeline if m.startswith("ecif.stewardship.")
                  or m == "ecif.stewardship") == []
