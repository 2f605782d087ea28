"""The operations log of the sample's `ecif run` (no run of its own): JSON lines beside
the warehouse, one per step with its duration, and `ecif logs --run` prints one run's."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ecif import ops_log
from ecif.cli import app

KEYS = {"time", "level", "run_id", "step", "duration", "message"}
STEPS = ["land", "staging", "feedback", "quality", "matching", "marts", "mart checks", "publish",
         "archive", "command run"]


def test_the_nightly_run_logs_each_step_with_its_duration(sample):
    _, warehouse, _ = sample
    path = ops_log.log_file(warehouse)
    assert path == warehouse.duckdb_path.with_suffix(".log")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines and all(KEYS <= line.keys() for line in lines)
    first_run = next(line["run_id"] for line in lines if line["step"] == "command run")
    steps = [line for line in lines if line["run_id"] == first_run]
    assert [line["step"] for line in steps] == STEPS
    assert all(line["level"] == "INFO" and line["duration"] >= 0 for line in steps)
    assert steps[-1]["duration"] >= sum(line["duration"] for line in steps[:-1])

    printed = CliRunner().invoke(app, ["logs", "--run", first_run,
                                       "--warehouse", warehouse.url])
    assert printed.exit_code == 0, printed.output
    assert [json.loads(line) for line in printed.output.splitlines()] == steps
    missing = CliRunner().invoke(app, ["logs", "--run", "nope", "--warehouse", warehouse.url])
    assert missing.exit_code == 1


def test_id_numbers_and_mobiles_in_a_message_are_masked():
    assert ops_log.masked("id 11010119900307123X mobile 13812345678, batch 20261102") == (
        "id 110101********123X mobile 138****5678, batch 20261102")
