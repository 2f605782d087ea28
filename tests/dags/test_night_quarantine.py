"""Quarantine in the DAG: a night whose claims delivery fails a critical check at
admission holds claims and publishes the other four systems, the check's exception
open, and gives the marts `ecif run` gives on the same delivery."""

from __future__ import annotations

import os
import shutil

import pendulum
import pytest

from ecif import pipeline
from ecif.quarantine import MIN_ROWS
from ecif.warehouse import Warehouse
from tests.dags.airflow_env import airflow_env
from tests.dags.nights import marts, settings
from tests.pipeline.test_quarantine import (
    CHECK,
    deliver_claims,
    fetch,
    resent,
    status_of,
    without_ids,
)

pytestmark = pytest.mark.slow

DAY2 = "20261102"
HELD = f"claims__claim__{DAY2}"


def test_a_source_failing_admission_is_held_and_the_others_published(
        airflow_db, dag, sample_extracts, night, tmp_path, monkeypatch):
    extracts = tmp_path / "extracts"
    shutil.copytree(sample_extracts, extracts)
    deliver_claims(extracts, DAY2, without_ids(resent(extracts, DAY2)))
    # day 1 published by `ecif run` in both warehouses; day 2 by the DAG and by `ecif run`
    for folder in (tmp_path / "dag", tmp_path / "cli"):
        folder.mkdir()
        shutil.copy(night / "ecif.duckdb", folder / "ecif.duckdb")
    reference = Warehouse(f"duckdb:///{tmp_path / 'cli' / 'ecif.duckdb'}")
    with monkeypatch.context() as cli:
        cli.chdir(tmp_path / "cli")
        by_cli = pipeline.run_nightly(reference, extracts, through=DAY2)
    assert by_cli.admission.held == {"claims": [HELD]}

    env = airflow_env(airflow_db, extracts=extracts, **settings(tmp_path / "dag"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    run = dag.test(logical_date=pendulum.datetime(2026, 11, 3, 2, tz="Asia/Shanghai"))
    assert run.state == "success", [ti.task_id for ti in run.get_task_instances()
                                    if ti.state != "success"]
    warehouse = Warehouse(os.environ["ECIF_WAREHOUSE"])
    assert status_of(warehouse, HELD) == "QUARANTINED"
    # the held batch's rows are out of the mentions, the other systems' rows of the day in
    staged = {batch.split("__")[0] for (batch,) in fetch(
        warehouse, "select distinct _batch_id from intermediate.int_party_mention "
                   "where _batch_id like ?", [f"%__{DAY2}"])}
    assert staged == {"core", "uw", "finance", "telesales"}
    assert fetch(warehouse, "select count(*) from raw.claims__claim where _batch_id = ?",
                 [HELD])[0][0] >= MIN_ROWS
    assert fetch(warehouse, "select severity, status from ops.exception where "
                            "kind = 'QUALITY_FAILED' and system = 'claims' and key = ?",
                 [CHECK]) == [("CRITICAL", "OPEN")]
    # one quality run: admission, the gate and the mart checks
    (admitted,), = fetch(warehouse, "select distinct run_id from quality.validation_result "
                                    "where suite = 'admission' and not success")
    assert fetch(warehouse, "select distinct suite from quality.validation_result "
                            "where run_id = ? order by 1", [admitted]) == [
        ("admission",), ("marts",), ("raw",), ("staging",)]
    assert marts(warehouse) == marts(reference)
