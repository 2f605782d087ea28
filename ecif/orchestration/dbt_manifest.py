"""The dbt manifest the DAG's Cosmos task groups are drawn from.

Cosmos reads the manifest instead of running `dbt ls` while the DAG file is parsed:
two `dbt ls` calls take longer than Airflow's import timeout on a busy machine.
`make airflow` (or `python -m ecif.orchestration.dbt_manifest`) writes it with
`dbt parse`, where `ecif run` keeps its dbt artifacts for that warehouse; write it
again after changing the dbt project.
"""

from __future__ import annotations

from pathlib import Path

from ecif.dbt_runner import artifacts_dir, run_dbt
from ecif.warehouse import Warehouse


def manifest_path(warehouse: Warehouse) -> Path:
    return artifacts_dir(warehouse) / "target" / "manifest.json"


def write_manifest(warehouse: Warehouse) -> Path:
    run_dbt(warehouse, ["parse"])
    return manifest_path(warehouse)


if __name__ == "__main__":
    from ecif.orchestration.settings import dag_settings

    print(write_manifest(dag_settings().warehouse))
