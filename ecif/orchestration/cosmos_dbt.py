"""How the DAG's Cosmos task groups meet the dbt project and the warehouse.

The groups are drawn from the dbt manifest that `make install` writes with `dbt parse`
into dbt_project/target/ (git-ignored; written again whenever the dbt project
changes), so parsing the DAG file runs no dbt. Which warehouse dbt builds is decided
when a dbt task runs, from the settings, like every other task of the DAG.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from airflow.sdk import TriggerRule

from ecif.dbt_runner import dbt_environment
from ecif.orchestration.runs import task_settings

PRODUCER = "dbt_producer_watcher"


def point_at_warehouse(context: Any, operator: Any) -> None:
    """Cosmos interceptor, called just before a dbt command is built: the dbt target and
    connection of the settings' warehouse, as environment variables of the dbt subprocess
    only (the profile reads them from there)."""
    found = task_settings()
    warehouse = found.warehouse
    # ecif-dbt (the DAG's dbt executable, ecif.orchestration.locked_dbt) takes the
    # warehouse lock with the task's settings: Cosmos passes dbt no other environment
    operator.env = {**(operator.env or {}), **dbt_environment(warehouse),
                    "ECIF_WAREHOUSE": warehouse.url,
                    "ECIF_LOCK_WAIT": str(found.lock_wait_seconds)}
    # profiles.yml has one output per engine, named like Warehouse.kind
    operator.profile_config = replace(operator.profile_config, target_name=warehouse.kind)


def run_producer_first(group: Any) -> None:
    """The group's one `dbt build` (the producer) runs before the per-node tasks, which
    then report each node's result from it.

    Cosmos starts the per-node tasks beside the producer in a DbtTaskGroup. A scheduler
    runs them all at once, but `airflow dags test` runs one task at a time: a per-node
    task picked before the producer waits for a build that never starts. After the
    producer, a per-node task never waits; when the producer is skipped (Cosmos' retry
    of a finished build) it builds its own node instead, and a failed build fails it.
    """
    producer = group.get_child_by_label(PRODUCER)
    # a failed build fails the run; Cosmos would skip a retried producer anyway
    producer.retries = 0
    for task in [t for t in group.get_roots() if t is not producer]:
        producer >> task
        task.trigger_rule = TriggerRule.NONE_FAILED
