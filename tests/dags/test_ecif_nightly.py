"""The ecif_nightly DAG's graph: the pipeline's order, every dbt node its own task, each
Cosmos group's build before its per-node tasks, and dbt aimed at the warehouse the
settings name when a task runs."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from ecif.dbt_runner import dbt_environment
from ecif.extract_spec import SYSTEMS
from ecif.run_lock import WarehouseBusy
from ecif.warehouse import Warehouse
from tests.operations.test_run_lock import HOLD


def upstream_closure(dag, task_id: str) -> set[str]:
    return {t.task_id for t in dag.get_task(task_id).get_flat_relatives(upstream=True)}


def test_the_dag_runs_the_pipeline_in_order(dag):
    assert dag.max_active_runs == 1 and dag.catchup
    ids = set(dag.task_ids)
    staging = {i for i in ids if i.startswith("dbt_staging.")}
    marts_ = {i for i in ids if i.startswith("dbt_marts.")}
    # every model and test is its own task, and the snapshots are among the marts, as is
    # int_mention_party, which reads matching's assignment
    assert {"dbt_staging.int_party_mention.run", "dbt_staging.int_party_mention.test",
            "dbt_staging.stg_core__customer.run", "dbt_marts.int_mention_party.run",
            "dbt_marts.customer.run",
            "dbt_marts.customer.test", "dbt_marts.customer_history_snapshot"} <= ids
    assert not any("stg_" in i or "int_party" in i for i in marts_)
    assert any(".rpt_" in i for i in marts_) and not any(".rpt_" in i for i in staging)
    # what the service reads besides the marts is built with them, never with staging
    # (a model without tests is one task, `<model>_run`)
    serving = ("mention_party", "name_pinyin", "as_of")
    assert all(any(i.split(".")[1].startswith(model) for i in marts_) for model in serving)
    assert not any(i.split(".")[1].startswith(serving) for i in staging)
    for system in SYSTEMS:
        assert f"wait_for_{system}" in upstream_closure(dag, f"land_{system}")
        for task_id in staging:
            assert f"land_{system}" in upstream_closure(dag, task_id)
    assert staging <= upstream_closure(dag, "source_feedback")
    # admission judges what the night staged, before the gate judges the whole state
    assert staging | {"source_feedback"} <= upstream_closure(dag, "admission")
    assert "admission" in upstream_closure(dag, "quality_before_marts")
    assert dag.get_task("admission").pool == "ecif_warehouse"
    assert "quality_before_marts" in upstream_closure(dag, "match")
    for task_id in marts_:
        assert "match" in upstream_closure(dag, task_id)
    for task_id in ("quality_after_marts", "publish_marts", "export_lists"):
        assert marts_ <= upstream_closure(dag, task_id)
    assert "quality_after_marts" in upstream_closure(dag, "publish_marts")
    assert "publish_marts" in upstream_closure(dag, "export_lists")
    assert "publish_marts" in upstream_closure(dag, "deliver_events")
    assert "publish_marts" in upstream_closure(dag, "archive_raw")
    assert dag.get_task("archive_raw").pool == "ecif_warehouse"
    assert dag.get_task("deliver_events").pool == "ecif_warehouse"
    assert [a.name for a in dag.get_task("publish_marts").outlets] == ["ecif_marts"]
    # the Python tasks that open the warehouse take turns on DuckDB
    assert {dag.get_task(f"land_{s}").pool for s in SYSTEMS} == {"ecif_warehouse"}


@pytest.mark.parametrize("group", ["dbt_staging", "dbt_marts"])
def test_each_dbt_build_runs_before_its_per_node_tasks(dag, group):
    """What lets `airflow dags test`, one task at a time, run a night to the end."""
    producer = f"{group}.dbt_producer_watcher"
    nodes = {i for i in dag.task_ids if i.startswith(f"{group}.") and i != producer}
    assert len(nodes) > 20
    for task_id in nodes:
        assert producer in upstream_closure(dag, task_id)
    # a failed build fails the run (Cosmos skips a retried producer; its per-node
    # tasks then build their own node)
    assert dag.get_task(producer).retries == 0
    assert {dag.get_task(t).trigger_rule for t in dag.get_task(producer).downstream_task_ids
            if not t.endswith("_done")} == {"none_failed"}


@pytest.mark.parametrize("url", ["duckdb:////srv/ecif/night.duckdb",
                                 "postgresql://etl:secret@db.example:5433/ecif"])
def test_dbt_builds_the_warehouse_the_settings_name_when_a_task_runs(dag, monkeypatch, url):
    from ecif.orchestration.cosmos_dbt import point_at_warehouse

    producer = dag.get_task("dbt_staging.dbt_producer_watcher")
    assert point_at_warehouse in producer.interceptors
    monkeypatch.setenv("ECIF_WAREHOUSE", url)
    task = SimpleNamespace(env=None, profile_config=producer.profile_config)
    monkeypatch.setenv("ECIF_LOCK_WAIT", "42")
    point_at_warehouse(None, task)
    # and what ecif-dbt takes the warehouse lock with
    assert task.env == {**dbt_environment(Warehouse(url)), "ECIF_WAREHOUSE": url,
                        "ECIF_LOCK_WAIT": "42.0"}
    assert Path(producer.dbt_executable_path).name == "ecif-dbt"
    assert task.profile_config.target_name == Warehouse(url).kind
    assert producer.profile_config.target_name == "duckdb"  # the parsed DAG is untouched


def test_failures_and_a_late_run_open_exceptions(dag):
    """Every task's failure callback and the run's own end callback call the exception
    centre (tests/operations/test_exception_centre.py calls them as Airflow does)."""
    from ecif.orchestration import task_log

    for task_id in ("land_core", "match", "publish_marts"):
        assert dag.get_task(task_id).on_failure_callback == [task_log.on_failure]
    assert dag.on_success_callback is dag.on_failure_callback is task_log.on_run_end


def test_every_task_of_the_warehouse_pool_holds_the_warehouse_lock(dag, warehouse,
                                                                   monkeypatch):
    """Its reads around its step too: with another run holding the lock, each task
    fails in one line naming it before it opens the warehouse (on DuckDB a service
    hands the file over to the task as to `ecif run`; dbt's tasks: ecif-dbt)."""
    monkeypatch.setenv("ECIF_WAREHOUSE", warehouse.url)
    monkeypatch.setenv("ECIF_LOCK_WAIT", "0")
    arguments = {"system": "core", "day": "20261101", "quality_run": "Q000001", "gate": True,
                 "dag_run": None, "outlet_events": None}
    pooled = [t for t in dag.tasks if t.pool == "ecif_warehouse"]
    assert len(pooled) == len(SYSTEMS) + 9
    holder = subprocess.Popen([sys.executable, "-c", HOLD, warehouse.url],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        for task in pooled:
            step = task.python_callable
            with pytest.raises(WarehouseBusy, match=f"ecif run, pid {holder.pid}"):
                step(**{name: arguments[name] for name in inspect.signature(step).parameters})
    finally:
        holder.kill()
        holder.wait()
