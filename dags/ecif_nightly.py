"""ecif_nightly: the nightly customer-master run, one DAG run per business date.

    business_date → wait_for_<system> → land_<system>   (five systems side by side)
      → dbt_staging (Cosmos: seeds, staging, intermediate, one task per model and test)
      → quality_before_marts (the gate) → match
      → dbt_marts (Cosmos: marts, snapshots and reports, one task per node and test)
      → quality_after_marts → publish_marts (asset ecif_marts) → export_<list>

Every task calls the function `ecif run` calls (ecif.pipeline, ecif.exports); the
DAG only wires them. Each step is idempotent, so a retried task, or a cleared run,
gives the result of a clean run.

DuckDB allows one writer per file. dbt runs in Cosmos' watcher mode: each group is
one `dbt build` (one writer, dbt's own threads) whose progress the per-node tasks
report. The Python tasks that open the warehouse share the pool `ecif_warehouse`:
1 slot for DuckDB, more for PostgreSQL so the systems land in parallel (README).
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.sdk import Asset, Param, dag, task
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

from ecif import exports, pipeline
from ecif.dbt_runner import DBT_PROJECT_DIR, dbt_environment
from ecif.extract_spec import SYSTEMS
from ecif.orchestration.control_files import missing_files
from ecif.orchestration.dbt_manifest import manifest_path
from ecif.orchestration.settings import business_date, dag_settings
from expectations.suites import AFTER_MARTS, BEFORE_MARTS

SETTINGS = dag_settings()
WAREHOUSE_POOL = "ecif_warehouse"
# downstream DAGs schedule on this: it is updated once the marts of a date are published
MARTS = Asset(name="ecif_marts", uri="ecif://marts")
SUITES = {"before_marts": BEFORE_MARTS, "after_marts": AFTER_MARTS}
DBT = str(Path(sys.executable).parent / "dbt")  # the venv's dbt, never another one on PATH
# what ecif.pipeline's `marts+ reports` means in this project (the marts folder, all
# downstream of it, the reports folder) in a form Cosmos' selector and dbt agree on
MARTS_SELECTORS = ["path:models/marts+", "path:models/reports"]

MANIFEST = manifest_path(SETTINGS.warehouse)
if not MANIFEST.is_file():
    raise FileNotFoundError(f"{MANIFEST} is missing: run `make airflow` or "
                            "`python -m ecif.orchestration.dbt_manifest` first")
dbt_project = ProjectConfig(
    dbt_project_path=DBT_PROJECT_DIR,
    manifest_path=MANIFEST,
    env_vars=dbt_environment(SETTINGS.warehouse),
    install_dbt_deps=False,  # no packages: nothing to download
)
dbt_profile = ProfileConfig(
    profile_name="ecif",
    target_name=SETTINGS.warehouse.kind,  # profiles.yml has one output per engine
    profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml",
)
dbt_execution = ExecutionConfig(
    execution_mode=ExecutionMode.WATCHER,
    invocation_mode=InvocationMode.SUBPROCESS,
    dbt_executable_path=DBT,
)


def dbt_render(**selection: list[str]) -> RenderConfig:
    """One task per model, seed and snapshot, one for its tests, selected from the manifest."""
    return RenderConfig(load_method=LoadMode.DBT_MANIFEST, test_behavior=TestBehavior.AFTER_EACH,
                        **selection)


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
    },
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
        missing = missing_files(SETTINGS.extracts_dir, system, day)
        print(f"{system} {day}: " + (f"waiting for {', '.join(missing)}" if missing
                                     else "complete"))
        return not missing

    @task(pool=WAREHOUSE_POOL)
    def land(system: str, day: str) -> list[str]:
        report = pipeline.land_step(SETTINGS.warehouse, SETTINGS.extracts_dir, through=day,
                                    systems=[system])
        return report.summary_lines()

    landed = [
        wait_for_control_files.override(task_id=f"wait_for_{system}")(system, day)
        >> land.override(task_id=f"land_{system}")(system, day)
        for system in SYSTEMS
    ]

    dbt_staging = DbtTaskGroup(
        group_id="dbt_staging", project_config=dbt_project, profile_config=dbt_profile,
        execution_config=dbt_execution, render_config=dbt_render(exclude=MARTS_SELECTORS),
        operator_args={"emit_datasets": False},
    )

    @task(pool=WAREHOUSE_POOL)
    def match() -> str:
        report = pipeline.match_step(SETTINGS.warehouse,
                                     reports_dir=SETTINGS.reports_dir / "matching")
        return (f"{report.run_id}: {report.mentions} mentions → {report.parties} parties, "
                f"{report.merges} merges, {report.splits} splits")

    dbt_marts = DbtTaskGroup(
        group_id="dbt_marts", project_config=dbt_project, profile_config=dbt_profile,
        execution_config=dbt_execution, render_config=dbt_render(select=MARTS_SELECTORS),
        operator_args={"emit_datasets": False},
    )

    for group in (dbt_staging, dbt_marts):
        # Cosmos' producer never runs a second `dbt build` in a run (a retry is skipped):
        # it fails at once, so the run cannot pass a failed build; the per-node tasks,
        # retried or cleared, rerun their own node.
        group.get_child_by_label("dbt_producer_watcher").retries = 0

    @task(pool=WAREHOUSE_POOL)
    def quality(suites: str, quality_run: str | None = None) -> str:
        """Raises on a critical failure: nothing downstream (matching, publication) runs.
        (Not `run_id`: TaskFlow would fill that with the Airflow run's id.)"""
        report = pipeline.quality_step(SETTINGS.warehouse, SUITES[suites], quality_run,
                                       docs_dir=SETTINGS.reports_dir / "quality")
        return report.run_id

    gate = quality.override(task_id="quality_before_marts")("before_marts")
    mart_checks = quality.override(task_id="quality_after_marts")("after_marts", gate)

    @task(pool=WAREHOUSE_POOL, outlets=[MARTS])
    def publish_marts(day: str, outlet_events=None) -> dict[str, int]:
        customers = pipeline.customer_counts(SETTINGS.warehouse)
        outlet_events[MARTS].extra = {"business_date": day, "customers": customers}
        return customers

    published = publish_marts(day)

    @task(pool=WAREHOUSE_POOL)
    def export(name: str, day: str) -> int:
        """The list as of the business date, as marketing may see it (the file is
        replaced on a retry)."""
        return exports.export_list(SETTINGS.warehouse, name,
                                   SETTINGS.exports_dir / day / f"{name}.csv", role="marketing")

    landed >> dbt_staging >> gate >> match() >> dbt_marts >> mart_checks >> published
    for name in exports.LISTS:
        published >> export.override(task_id=f"export_{name.replace('-', '_')}")(name, day)


ecif_nightly()
