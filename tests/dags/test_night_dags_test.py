"""`airflow dags test`, the command data engineers debug a DAG with, runs a night on the
sample to the end and publishes the marts `ecif run` publishes."""

from __future__ import annotations

import json
import subprocess

import pytest

from ecif.warehouse import Warehouse
from tests.dags.airflow_env import airflow_env
from tests.dags.nights import DAY, marts, settings

pytestmark = pytest.mark.slow


def test_airflow_dags_test_runs_a_night_to_the_end(airflow_db, sample_extracts, reference,
                                                   tmp_path):
    env = airflow_env(airflow_db, extracts=sample_extracts, **settings(tmp_path))
    done = subprocess.run(
        ["airflow", "dags", "test", "ecif_nightly", "-c", json.dumps({"business_date": DAY})],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert marts(Warehouse(env["ECIF_WAREHOUSE"])) == reference
    assert (tmp_path / "exports" / DAY / "renewal-targets.csv").is_file()
