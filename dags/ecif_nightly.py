"""ecif_nightly: the nightly customer-master run, one DAG run per business date.

    business_date → wait_for_<system> → land_<system>   (five systems side by side)
      → dbt_staging (Cosmos: seeds, staging, intermediate, one task per model and test)
      → source_feedback → admission (a system whose new batches fail a critical check
        is quarantined, the others go on: ecif.quarantine) → quality_before_marts (the
        gate) → match
      → dbt_marts (Cosmos: marts, snapshots, reports and serving, one task per node and
        test)
      → quality_after_marts → publish_marts (asset ecif_marts) → export_lists,
        deliver_events, archive_raw (raw rows past retention → Parquet, ecif.archive)

Every task calls the function `ecif run` calls (ecif.pipeline, ecif.exports); the
DAG only wires them. Each step is idempotent, so a retried task, or a cleared run,
gives the result of a clean run. Tasks read their settings (warehouse, folders: the
ECIF_* variables of ecif.settings) when they run (ecif.orchestration.runs); parsing
this file reads none and imports none of the pipeline's libraries.

DuckDB allows one writer per file. Each Cosmos group is one `dbt build` (the
producer: one writer, dbt's own threads); the per-node tasks then report its result
node by node. The Python tasks that open the warehouse share the pool
`ecif_warehouse`: 1 slot for DuckDB, more for PostgreSQL so the systems land in
parallel (README). Every task that writes holds the warehouse lock while it does, as
`ecif run`'s steps do (the Python tasks through ecif.pipeline, dbt through `ecif-dbt`),
so a running `ecif serve` hands a DuckDB file over to it and other writers wait.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.sdk import Asset, Param, dag, task
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

from ecif.dbt_runner import DBT_PROJECT_DIR, MANIFEST
from ecif.extract_spec import SYSTEMS
from ecif.orchestration import task_log
from ecif.orchestration.control_files import missing_files
from ecif.orchestration.cosmos_dbt import point_at_warehouse, run_producer_first
from ecif.orchestration.runs import (
    WAREHOUSE_POOL,
    business_date,
    task_settings,
    warehouse_task,
)
from ecif.report_folders import reports_root

# downstream DAGs schedule on this: it is updated once the marts of a date are published
MARTS = Asset(name="ecif_marts", uri="ecif://marts")
# the venv's dbt (never another one on PATH) under the warehouse lock, as `ecif run`'s
# dbt is: a DuckDB service steps aside for it (ecif.orchestration.locked_dbt)
DBT = str(Path(sys.executable).parent / "ecif-dbt")
# ecif.pipeline.AFTER_MATCHING (the staging folders over what matching and the quality
# gate write, the marts folder, all downstream of them, the reports and serving folders)
# in a form Cosmos' selector and dbt agree on
MARTS_SELECTORS = ["path:models/staging/matching+", "path:models/staging/quality+",
                   "path:models/marts+", "path:models/reports", "path:models/serving"]
# The ephemeral staging models (over the tables above, and the raw rows dq_exception
# reads): dbt inlines them into the models that read them, there is nothing to run.
# Cosmos would draw them as tasks, those over matching's tables in the marts group,
# which holds no staging node.
EPHEMERAL = ["config.materialized:ephemeral"]

if not MANIFEST.is_file():
    raise FileNotFoundError(f"{MANIFEST} is missing: run `make install`")
dbt_project = ProjectConfig(
    dbt_project_path=DBT_PROJECT_DIR,
    manifest_path=MANIFEST,
    install_dbt_deps=False,  # no packages: nothing to download
)
dbt_profile = ProfileConfig(
    profile_name="ecif",
    target_name="duckdb",  # the settings' engine replaces it when a task runs
    profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml",
)
dbt_execution = ExecutionConfig(
    execution_mode=ExecutionMode.WATCHER,
    invocation_mode=InvocationMode.SUBPROCESS,
    dbt_executable_path=DBT,
)


def dbt_group(group_id: str, **selection: list[str]) -> DbtTaskGroup:
    """One task per model, seed and snapshot, one for its tests, selected from the manifest."""
    group = DbtTaskGroup(
        group_id=group_id, project_config=dbt_project, profile_config=dbt_profile,
        execution_config=dbt_execution,
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST,
                                   test_behavior=TestBehavior.AFTER_EACH, **selection),
        operator_args={"emit_datasets": False, "interceptors": [point_at_warehouse]},
    )
    run_producer_first(group)
    return group


@dag(
    dag_id="ecif_nightly",
    schedule="0 2 * * *",  # 02:00 Beijing: yesterday's extracts have arrived
    start_date=pendulum.datetime(2026, 11, 2, 2, tz="Asia/Shanghai"),
    catchup=True,  # a missed night runs later, dates in order
    max_active_runs=1,
    params={"business_date": Param(None, type=["null", "string"],
                                   description="YYYYMMDD; default: the day before the run")},
    default_args={
        "retries": 3,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=30),
        # each task's end as a JSON line of the operations log, a failure as an
        # exception of the exception centre (README, Operations)
        "on_success_callback": task_log.on_success,
        "on_failure_callback": task_log.on_failure,
    },
    # a run that ends past its deadline opens a RUN_LATE exception (Airflow 3 has no SLA
    # miss; its experimental deadline alerts break `airflow dags test` in 3.3)
    on_success_callback=task_log.on_run_end,
    on_failure_callback=task_log.on_run_end,
    tags=["ecif"],
    doc_md=__doc__,
)
def ecif_nightly():
    @task
    def resolve_business_date(dag_run=None, params=None) -> str:
        return business_date(dag_run.logical_date or dag_run.run_after, params["business_date"])

    day = resolve_business_date()

    @task.sensor(poke_interval=300, timeout=6 * 3600, mode="reschedule", retries=0)
    def wait_for_control_files(system: str, day: str) -> bool:
        missing = missing_files(task_settings().extracts_dir, system, day)
        print(f"{system} {day}: " + (f"waiting for {', '.join(missing)}" if missing
                                     else "complete"))
        return not missing

    @task(pool=WAREHOUSE_POOL)
    def land(system: str, day: str) -> list[str]:
        from ecif import pipeline

        with warehouse_task(f"land_{system}") as settings:
            report = pipeline.land_step(settings.warehouse, settings.extracts_dir, through=day,
                                        systems=[system])
        return report.summary_lines()

    landed = [
        wait_for_control_files.override(task_id=f"wait_for_{system}")(system, day)
        >> land.override(task_id=f"land_{system}")(system, day)
        for system in SYSTEMS
    ]

    dbt_staging = dbt_group("dbt_staging", exclude=MARTS_SELECTORS + EPHEMERAL)

    @task(pool=WAREHOUSE_POOL)
    def match() -> str:
        from ecif import pipeline

        with warehouse_task("match") as settings:
            reports = reports_root(settings.warehouse, settings)
            report = pipeline.match_step(settings.warehouse, reports_dir=reports / "matching")
        return (f"{report.run_id}: {report.mentions} mentions → {report.parties} parties, "
                f"{report.merges} merges, {report.splits} splits")

    dbt_marts = dbt_group("dbt_marts", select=MARTS_SELECTORS, exclude=EPHEMERAL)

    @task(pool=WAREHOUSE_POOL)
    def admission() -> str:
        """The batches landed since the last publication (a retried land task's too),
        judged per system as `ecif run` judges them: a system that fails a critical check
        is held in quarantine and staging built again without it; the night goes on for
        the others (ecif.quarantine). The quality run, which the checks go on with."""
        from ecif import pipeline
        from ecif.quarantine import unpublished_batches

        with warehouse_task("admission") as settings:
            with settings.warehouse.connect() as conn:
                new = unpublished_batches(conn)
            docs = reports_root(settings.warehouse, settings) / "quality"
            admitted = pipeline.admission_step(settings.warehouse, new, docs_dir=docs)
        if admitted.held:
            print(admitted.line())
        return admitted.run_id

    @task(pool=WAREHOUSE_POOL)
    def quality(quality_run: str, gate: bool) -> str:
        """Raises on a critical failure: nothing downstream (matching, publication) runs.
        gate: the checks before matching (pipeline.gate_step), else AFTER_MARTS. (Not
        `run_id`: TaskFlow would fill that with the Airflow run's id.)"""
        from ecif import pipeline
        from expectations.suites import AFTER_MARTS

        with warehouse_task(f"quality_{'before' if gate else 'after'}_marts") as settings:
            docs = reports_root(settings.warehouse, settings) / "quality"
            report = (pipeline.gate_step(settings.warehouse, quality_run, docs_dir=docs) if gate
                      else pipeline.quality_step(settings.warehouse, AFTER_MARTS, quality_run,
                                                 docs_dir=docs))
        return report.run_id

    @task(pool=WAREHOUSE_POOL)
    def source_feedback(day: str) -> dict[str, int]:
        """Each source system's faulty rows of the date, for its owners (before the
        gate: they hear of the faults that stop a night too)."""
        from ecif import pipeline

        with warehouse_task("source_feedback") as settings:
            reports = reports_root(settings.warehouse, settings)
            return pipeline.feedback_step(settings.warehouse, [day], reports / "feedback")

    admitted = admission()
    gate = quality.override(task_id="quality_before_marts")(admitted, gate=True)
    mart_checks = quality.override(task_id="quality_after_marts")(gate, gate=False)

    @task(pool=WAREHOUSE_POOL, outlets=[MARTS])
    def publish_marts(day: str, dag_run=None, outlet_events=None) -> dict[str, int]:
        """The change feed's outbox; the steward decisions approved before the run
        started are in these marts: APPLIED with them (later ones wait for `ecif
        rebuild` or the next night)."""
        from ecif import pipeline
        from ecif.rebuild_queue import queued

        with warehouse_task("publish_marts") as settings:
            warehouse = settings.warehouse
            with warehouse.connect() as conn:
                built_with = queued(conn, decided_before=dag_run.start_date)
            events = pipeline.publish_step(warehouse, applies=built_with)
            customers = pipeline.customer_counts(warehouse)
        outlet_events[MARTS].extra = {"business_date": day, "customers": customers,
                                      "events": events}
        return customers

    @task(pool=WAREHOUSE_POOL)
    def deliver_events() -> dict[str, int]:
        """One delivery round of the night's change events to the webhook subscriptions
        (in the warehouse pool; on DuckDB the round holds the warehouse lock, as the
        rounds of `ecif dispatch` do, or is left to a running `ecif serve`, which
        delivers them itself). A receiver that is down is retried by the next round, of
        `ecif dispatch`, the service or the next night."""
        from ecif.events.dispatcher import dispatch_once

        with warehouse_task("deliver_events") as settings:
            report = dispatch_once(settings.warehouse)
        return {"delivered": report.delivered, "failed_attempts": report.failed_attempts,
                "dead_lettered": report.dead_lettered}

    @task(pool=WAREHOUSE_POOL)
    def export_lists(day: str) -> dict[str, int]:
        """Every marketing list as of the business date, as marketing may see it (files
        replaced on a retry)."""
        from ecif import exports

        with warehouse_task("export_lists") as settings:
            return {name: exports.export_list(settings.warehouse, name,
                                              settings.exports_dir / day / f"{name}.csv",
                                              role="marketing")
                    for name in exports.LISTS}

    @task(pool=WAREHOUSE_POOL)
    def archive_raw(day: str) -> str:
        """The raw rows that no longer shape the current state and are older than the
        retention window, counted back from the business date (so a catch-up run
        archives what that night would have), leave the warehouse for the archive."""
        from datetime import datetime

        from ecif import archive

        with warehouse_task("archive_raw") as settings:
            report = archive.archive_raw(settings.warehouse,
                                         today=datetime.strptime(day, "%Y%m%d").date())
        return report.line()

    (landed >> dbt_staging >> source_feedback(day) >> admitted >> gate >> match() >> dbt_marts
     >> mart_checks >> publish_marts(day) >> [export_lists(day), deliver_events(),
                                              archive_raw(day)])


ecif_nightly()
