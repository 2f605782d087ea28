"""A task that fails once, after doing all its work, is retried by Airflow to the result
of a clean night."""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
import pytest

from ecif import pipeline
from ecif.warehouse import Warehouse
from tests.dags.airflow_env import airflow_env
from tests.dags.nights import fetch, marts, settings

pytestmark = pytest.mark.slow


def test_a_task_that_fails_once_is_retried_to_the_clean_result(
        airflow_db, dag, sample_extracts, clean_run, reference, tmp_path, monkeypatch):
    env = airflow_env(airflow_db, extracts=sample_extracts, **settings(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    real_match_step = pipeline.match_step
    calls = []

    def crashes_after_its_work_once(*args, **kwargs):
        # the worst case for a retry: the step wrote everything, then the worker died
        result = real_match_step(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("worker lost after matching")
        return result

    monkeypatch.setattr(pipeline, "match_step", crashes_after_its_work_once)
    match = dag.get_task("match")
    monkeypatch.setattr(match, "retry_delay", timedelta(0))
    monkeypatch.setattr(match, "retry_exponential_backoff", 0)
    run = dag.test(logical_date=pendulum.datetime(2026, 11, 2, 2, tz="Asia/Shanghai"))
    assert run.state == "success", [ti.task_id for ti in run.get_task_instances()
                                    if ti.state != "success"]
    assert len(calls) == 2
    faulty = Warehouse(os.environ["ECIF_WAREHOUSE"])
    assert marts(faulty) == reference
    for table in ("raw.landing_batch", "matching.party_mention", "marts.customer"):
        assert fetch(faulty, f"select count(*) from {table}") == \
            fetch(clean_run, f"select count(*) from {table}")
