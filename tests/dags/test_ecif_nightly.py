"""The ecif_nightly DAG: it imports, its graph is the pipeline's order, a run on a
small sample publishes the marts, and a failed-then-retried task changes nothing."""

from __future__ import annotations

import csv
from datetime import timedelta

import pendulum
import pytest

from ecif import pipeline
from ecif.extract_spec import SYSTEMS
from ecif.warehouse import Warehouse
from tests.dags.airflow_home import HOME, load_dag

# 02:00 on 3 Nov in Beijing: the run for business date 20261102, the sample's last day
RUN = pendulum.datetime(2026, 11, 3, 2, tz="Asia/Shanghai")
CLEAN = f"duckdb:///{HOME / 'clean.duckdb'}"
# Cosmos' watcher tasks only mirror their group's one `dbt build` (the producer) and wait
# for it in parallel; dag.test runs one task at a time, so they are marked done and the
# producers, which do the work and fail the run when dbt fails, run for real.
WATCHERS = r"dbt_(staging|marts)\.(?!dbt_producer_watcher).*"
MARTS = ["customer", "customer_xref", "customer_contact", "customer_360",
         "customer_attribute_lineage", "policy_summary", "claim_summary", "customer_event",
         "customer_relationship", "org_group_hierarchy", "renewal_target", "telesales_prospect"]


@pytest.fixture(scope="module")
def dag(airflow_db):
    return load_dag(CLEAN)


@pytest.fixture(scope="module")
def clean_run(dag, extracts):
    run = dag.test(logical_date=RUN, mark_success_pattern=WATCHERS)
    assert run.state == "success", failed_tasks(run)
    return Warehouse(CLEAN)


def failed_tasks(run) -> list[str]:
    return [ti.task_id for ti in run.get_task_instances() if ti.state != "success"]


def fetch(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.connect() as conn:
        return conn.fetchall(sql)


def marts(warehouse: Warehouse) -> dict[str, list[tuple]]:
    return {t: sorted(fetch(warehouse, f"select * from marts.{t}"), key=repr) for t in MARTS}


def upstream_closure(dag, task_id: str) -> set[str]:
    return {t.task_id for t in dag.get_task(task_id).get_flat_relatives(upstream=True)}


def test_the_dag_imports_and_runs_the_pipeline_in_order(dag):
    assert dag.max_active_runs == 1 and dag.catchup
    ids = set(dag.task_ids)
    staging = {i for i in ids if i.startswith("dbt_staging.")}
    marts_ = {i for i in ids if i.startswith("dbt_marts.")}
    # every model and test is its own task, and the snapshots are among the marts
    assert {"dbt_staging.int_party_mention.run", "dbt_staging.int_party_mention.test",
            "dbt_staging.stg_core__customer.run", "dbt_marts.customer.run",
            "dbt_marts.customer.test", "dbt_marts.customer_history_snapshot"} <= ids
    assert not any("stg_" in i or "int_party" in i for i in marts_)
    assert any(".rpt_" in i for i in marts_) and not any(".rpt_" in i for i in staging)
    for system in SYSTEMS:
        assert f"wait_for_{system}" in upstream_closure(dag, f"land_{system}")
        for task_id in staging:
            assert f"land_{system}" in upstream_closure(dag, task_id)
    assert staging <= upstream_closure(dag, "quality_before_marts")
    assert "quality_before_marts" in upstream_closure(dag, "match")
    for task_id in marts_:
        assert "match" in upstream_closure(dag, task_id)
    for task_id in ("quality_after_marts", "publish_marts", "export_renewal_targets",
                    "export_telesales_prospects"):
        assert marts_ <= upstream_closure(dag, task_id)
    assert "quality_after_marts" in upstream_closure(dag, "publish_marts")
    assert "publish_marts" in upstream_closure(dag, "export_renewal_targets")
    assert [a.name for a in dag.get_task("publish_marts").outlets] == ["ecif_marts"]
    # a failed dbt build fails the run (Cosmos skips a retried producer)
    assert dag.get_task("dbt_staging.dbt_producer_watcher").retries == 0
    assert dag.get_task("dbt_marts.dbt_producer_watcher").retries == 0
    # the Python tasks that open the warehouse take turns on DuckDB
    assert {dag.get_task(f"land_{s}").pool for s in SYSTEMS} == {"ecif_warehouse"}


def test_a_run_publishes_marts_that_cover_the_ground_truth(clean_run, extracts):
    with (extracts / "ground_truth" / "mentions.csv").open(encoding="utf-8") as fh:
        truth = {(r["source_system"], r["source_entity"], r["source_key"], r["source_role"])
                 for r in csv.DictReader(fh) if r["deleted"] == "false"}
    xref = fetch(clean_run, "select source_system, source_entity, source_key, source_role "
                            "from marts.customer_xref")
    assert len(xref) == len(set(xref)) and set(xref) == truth
    customers = fetch(clean_run, "select party_type, count(*) from marts.customer group by 1")
    assert {t for t, _ in customers} == {"P", "O"}
    exported = HOME / "exports" / "20261102" / "renewal-targets.csv"
    assert exported.is_file()


def test_a_task_that_fails_once_is_retried_to_the_clean_result(clean_run, monkeypatch):
    dag = load_dag(f"duckdb:///{HOME / 'faulty.duckdb'}")
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
    match.retry_delay, match.retry_exponential_backoff = timedelta(0), 0
    run = dag.test(logical_date=RUN, mark_success_pattern=WATCHERS)
    assert run.state == "success", failed_tasks(run)
    assert len(calls) == 2
    faulty = Warehouse(f"duckdb:///{HOME / 'faulty.duckdb'}")
    assert marts(faulty) == marts(clean_run)
    for table in ("raw.landing_batch", "matching.party_mention", "marts.customer"):
        assert fetch(faulty, f"select count(*) from {table}") == \
            fetch(clean_run, f"select count(*) from {table}")

