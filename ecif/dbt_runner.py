"""Runs the dbt project in-process against the chosen warehouse.

dbt's profile (dbt_project/profiles.yml) reads the warehouse's connection from dbt vars
given to each run, never from this process's environment, which a run leaves as it
was. Each warehouse gets its own target folder, so runs (tests, two warehouses) never
share dbt's artifacts.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from ecif.project_files import project_folder
from ecif.warehouse import Warehouse

DBT_PROJECT_DIR = project_folder("dbt_project")
# the manifest `make install` writes (dbt parse): the Airflow DAG is drawn from it
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


# dbt-core does not support two invocations at once in one process (its documentation on
# programmatic invocations): the flags, the event logger (our callback, the log file),
# the adapter of each type and dbt-duckdb's one DuckDB instance are per process. Two
# builds at once (the service's request threads) would mix their warehouses and logs:
# they take turns.
_ONE_INVOCATION_AT_A_TIME = threading.Lock()


class DbtError(RuntimeError):
    """A dbt command that failed: names the failing nodes."""


def dbt_environment(warehouse: Warehouse) -> dict[str, str]:
    """The names profiles.yml reads the warehouse's dbt target and connection from: dbt
    vars in-process (run_dbt), environment variables for a dbt subprocess (Cosmos)."""
    if warehouse.kind == "duckdb":
        settings = warehouse.duckdb_settings
        return {"ECIF_DBT_TARGET": "duckdb", "ECIF_DUCKDB_PATH": str(warehouse.duckdb_path),
                "ECIF_DBT_DUCKDB_MEMORY_LIMIT": settings["memory_limit"],
                "ECIF_DBT_DUCKDB_TEMP_DIR": settings["temp_directory"]}
    p = warehouse.pg_params
    return {
        "ECIF_DBT_TARGET": "postgres",
        "ECIF_PG_HOST": str(p["host"]),
        "ECIF_PG_PORT": str(p["port"]),
        "ECIF_PG_USER": str(p["user"]),
        "ECIF_PG_PASSWORD": str(p["password"]),
        "ECIF_PG_DBNAME": str(p["dbname"]),
    }


def artifacts_dir(warehouse: Warehouse) -> Path:
    digest = hashlib.sha1(warehouse.url.encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / "ecif-dbt" / digest


def run_dbt(
    warehouse: Warehouse,
    args: list[str],
    on_node: Callable[[str, str], None] | None = None,
    dbt_vars: dict[str, object] | None = None,
) -> int:
    """Run `dbt <args>` with dbt_vars (not `--vars` in args: the connection is given
    as vars too); on_node(node_name, status) after each model, seed or test.

    Returns the number of nodes run; raises DbtError naming what failed.
    """
    # imported here, not at the top: the Airflow DAG file reads DBT_PROJECT_DIR and
    # dbt_environment when it is parsed, and importing dbt takes seconds
    from dbt.cli.main import dbtRunner

    if "--vars" in args:
        raise ValueError("give dbt vars as dbt_vars: run_dbt's own would replace --vars")
    finished: list[tuple[str, str]] = []

    def callback(event) -> None:
        if event.info.name == "NodeFinished":
            node = event.data.node_info
            finished.append((node.unique_id, node.node_status))
            if on_node:
                on_node(node.node_name, node.node_status)

    target = artifacts_dir(warehouse)
    with _ONE_INVOCATION_AT_A_TIME:
        try:
            result = dbtRunner(callbacks=[callback]).invoke([
                *args,
                "--project-dir", str(DBT_PROJECT_DIR),
                "--profiles-dir", str(DBT_PROJECT_DIR),
                "--target-path", str(target / "target"),
                "--log-path", str(target / "logs"),
                # nothing reads the per-warehouse manifest.json and run_results.json
                # (Cosmos reads the one `make install` writes), and debug lines of every
                # query in the file log: writing them cost a fifth of a small build's time
                "--no-write-json", "--log-level-file", "info",
                "--quiet",
            # dbtRunner's keyword for --vars: the dict as it is, no YAML quoting of a
            # password. dbt logs its flags, the vars among them, at debug level only,
            # which neither the file log (info) nor --quiet writes (tested)
            ], vars={**(dbt_vars or {}), **dbt_environment(warehouse)})
        finally:
            if warehouse.kind == "duckdb":
                _release_duckdb()
    failed = [name for name, status in finished if status in ("error", "fail", "runtime error")]
    if not result.success:
        detail = ", ".join(failed) if failed else str(result.exception or "see dbt log")
        raise DbtError(f"dbt {args[0]} failed: {detail} (log: {target / 'logs' / 'dbt.log'})")
    return len(finished)


def _release_duckdb() -> None:
    """dbt-duckdb keeps its DuckDB instance open in the process between invocations (a
    class attribute, no public close): close it, so that the file is free once dbt is
    done (the rewrite after an erasure must be its only user)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
        DuckDBConnectionManager.close_all_connections()
