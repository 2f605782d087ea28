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
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from ecif.project_files import project_folder
from ecif.reference import SEEDS_DIR
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

    connection = dbt_environment(warehouse)
    all_vars = {**(dbt_vars or {}), **connection}
    with _ONE_INVOCATION_AT_A_TIME:
        try:
            manifest = _parsed_project(warehouse, dbt_vars or {}, connection)
            result = dbtRunner(manifest=manifest, callbacks=[callback]).invoke(
                [*args, *_common_args(warehouse)], vars=all_vars)
        finally:
            if warehouse.kind == "duckdb":
                _release_duckdb()
    failed = [name for name, status in finished if status in ("error", "fail", "runtime error")]
    if not result.success:
        detail = ", ".join(failed) if failed else str(result.exception or "see dbt log")
        log = artifacts_dir(warehouse) / "logs" / "dbt.log"
        raise DbtError(f"dbt {args[0]} failed: {detail} (log: {log})")
    return len(finished)


def _common_args(warehouse: Warehouse) -> list[str]:
    target = artifacts_dir(warehouse)
    return [
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(target / "target"),
        "--log-path", str(target / "logs"),
        # nothing reads the per-warehouse manifest.json and run_results.json (Cosmos
        # reads the one `make install` writes), and debug lines of every query in the
        # file log: writing them cost a fifth of a small build's time
        "--no-write-json", "--log-level-file", "info",
        "--quiet",
    ]


# Parsing the project is most of a dbt invocation's time on a small warehouse: a full
# parse costs seconds of CPU, and dbt's own partial parsing is dropped whenever the vars
# differ from the last parse's, as they do between the steps of a night (the marts get
# RUN_TIME_VARS) and between warehouses (the connection is given as vars). So the project
# is parsed with the vars that can shape the manifest only (the connection and parse-time
# switches such as run_unit_tests), a parse dbt keeps in the warehouse's target folder
# for the next process, and that manifest serves every invocation of this process that
# would parse it the same way (dbt's documented reuse, dbtRunner(manifest=)), a fresh
# copy each time, restored as dbt restores a saved parse (msgpack; deepcopy breaks its
# lookups): a run marks nodes compiled, and a node so marked keeps its ephemeral CTEs
# out of the next run's SQL. RUN_TIME_VARS are read only when a model runs, its SQL
# rendered again with the invocation's vars: never in a config, and a model that refs
# more when they are set declares those refs whatever they are (int_mart_affected_party).
RUN_TIME_VARS = frozenset({"marts_changes_after", "marts_runs_after"})
# a few warehouses' manifests (a few MB each); a process rarely alternates between more
_KEPT_MANIFESTS = 4
_manifests: OrderedDict[tuple, bytes] = OrderedDict()


def _parsed_project(warehouse: Warehouse, dbt_vars: dict[str, object],
                    connection: dict[str, str]):
    """The project's manifest as dbt would parse it for this invocation: parsed once per
    process for all warehouses whose relations it names alike (same engine, same
    database name; dbt's nodes name the database, nothing else of the connection)."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder

    switches = {k: v for k, v in dbt_vars.items() if k not in RUN_TIME_VARS}
    key = (warehouse.kind, _database_name(warehouse), repr(sorted(switches.items())),
           _project_fingerprint())
    if key not in _manifests:
        _manifests[key] = _parse(warehouse, {**switches, **connection})
        while len(_manifests) > _KEPT_MANIFESTS:
            _manifests.popitem(last=False)
    _manifests.move_to_end(key)
    manifest = Manifest.from_msgpack(_manifests[key], decoder=extended_mashumuro_decoder)
    # what dbt does after restoring a saved parse in which nothing changed
    manifest.build_parent_and_child_maps()
    manifest.build_group_map()
    manifest.build_flat_graph()
    return manifest


def _parse(warehouse: Warehouse, parse_vars: dict[str, object]) -> bytes:
    from dbt.cli.main import dbtRunner
    from dbt.parser.manifest import extended_mashumaro_encoder

    parsed = dbtRunner().invoke(["parse", *_common_args(warehouse)], vars=parse_vars)
    if not parsed.success:
        raise DbtError(f"dbt parse failed: {parsed.exception or 'see dbt log'} "
                       f"(log: {artifacts_dir(warehouse) / 'logs' / 'dbt.log'})")
    return parsed.result.to_msgpack(extended_mashumaro_encoder)


def _database_name(warehouse: Warehouse) -> str:
    if warehouse.kind == "duckdb":
        from dbt.adapters.duckdb.credentials import DuckDBCredentials

        return DuckDBCredentials.path_derived_database_name(str(warehouse.duckdb_path))
    return str(warehouse.pg_params["dbname"])


def _project_fingerprint() -> tuple[int, int]:
    """Changes when a file of the project or its seeds changes (a process that outlives
    an edit parses again): the newest modification time and the number of files."""
    files = [path for folder in (DBT_PROJECT_DIR, SEEDS_DIR) for path in folder.rglob("*")
             if path.is_file() and not {"target", "logs"} & set(path.relative_to(folder).parts)]
    return max(path.stat().st_mtime_ns for path in files), len(files)


def _release_duckdb() -> None:
    """dbt-duckdb keeps its DuckDB instance open in the process between invocations (a
    class attribute, no public close): close it, so that the file is free once dbt is
    done (the rewrite after an erasure must be its only user)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
        DuckDBConnectionManager.close_all_connections()
