"""Airflow in a throw-away home: its own sqlite metadata database, the repository's
dags/ folder, and Variables (as AIRFLOW_VAR_* environment variables) pointing the
DAG at a small generated sample and a DuckDB file in a temporary directory.

Airflow reads its configuration when first imported, so the environment is set
here, before any test module imports it; the repository's airflow.db is never touched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HOME = Path(tempfile.mkdtemp(prefix="ecif-airflow-"))
os.environ.update({
    "AIRFLOW_HOME": str(HOME),
    "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{HOME / 'airflow.db'}",
    # parsing is slow on a busy two-core machine; the default 30 s is for servers
    "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "300",
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",  # as in airflow.cfg: nothing calls home
    "AIRFLOW_VAR_ECIF_EXTRACTS": str(HOME / "extracts"),
    "AIRFLOW_VAR_ECIF_EXPORTS": str(HOME / "exports"),
    "AIRFLOW_VAR_ECIF_REPORTS": str(HOME / "reports"),
})


def load_dag(warehouse_url: str):
    """Parse dags/ afresh for this warehouse (the DAG reads its Variables when parsed)."""
    from airflow.dag_processing.dagbag import DagBag

    from ecif.orchestration.dbt_manifest import write_manifest
    from ecif.warehouse import Warehouse

    os.environ["AIRFLOW_VAR_ECIF_WAREHOUSE"] = warehouse_url
    write_manifest(Warehouse(warehouse_url))
    bag = DagBag(dag_folder=str(REPO / "dags"))
    assert bag.import_errors == {}
    return bag.dags["ecif_nightly"]
