"""Where a warehouse's reports go: matching evidence (matching/<run id>/), quality Data
Docs (quality/), feedback to the sources (feedback/<date>/) and dbt's documentation site
(dbt_docs/). One folder per warehouse, wherever a command runs, so that an erasure finds
every page a run of the same warehouse wrote, the DAG's among them.

  ECIF_REPORTS set   <ECIF_REPORTS>/<warehouse name>: the DuckDB file's stem or the
                     PostgreSQL database's name
  DuckDB             beside the file: `ecif.duckdb` → `ecif.reports/`
  PostgreSQL         `./reports/<database>/`
"""

from __future__ import annotations

from pathlib import Path

from ecif import settings
from ecif.warehouse import Warehouse


def reports_root(warehouse: Warehouse, chosen: settings.Settings | None = None) -> Path:
    """The reports folder of `warehouse` under the settings `chosen` (default: current)."""
    name = (warehouse.duckdb_path.stem if warehouse.kind == "duckdb"
            else str(warehouse.pg_params["dbname"]))
    reports_dir = (chosen or settings.current()).reports_dir
    if reports_dir:
        return reports_dir / name
    if warehouse.kind == "duckdb":
        return warehouse.duckdb_path.with_suffix(".reports")
    return Path.cwd() / "reports" / name
