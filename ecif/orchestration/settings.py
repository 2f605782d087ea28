"""Where the DAG reads and writes, from ECIF_* environment variables, and which date a run is for.

  ECIF_WAREHOUSE  warehouse URL (default: the embedded DuckDB file ecif.duckdb in the repository)
  ECIF_EXTRACTS   landing zone (default: source_extracts/ in the repository)
  ECIF_EXPORTS    where the marketing lists go, one folder per business date
                  (default: exports/ in the repository)
  ECIF_REPORTS    where matching, quality and the feedback to the sources leave each
                  run's evidence: its folder for the warehouse (ecif.report_folders, as
                  every command; default beside the DuckDB file, `ecif.reports/`)
  ECIF_BACKUPS    where the weekly backup writes (default: backups/ in the repository)
  ECIF_BACKUP_KEEP  how many backups the weekly task keeps there (default 8: two months)
  ECIF_ARCHIVE    where `archive_raw` moves raw rows past retention, with ECIF_RAW_RETENTION_DAYS
                  (read by ecif.archive; default: beside the DuckDB file, README)

Every task reads them when it runs, never the DAG file when it is parsed: parsing
touches no database and no variable, and the Airflow components started together
(`make airflow`) share one environment, so every task of a run sees the same warehouse.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ecif.report_folders import reports_root
from ecif.warehouse import ENV_VAR as WAREHOUSE_VAR
from ecif.warehouse import Warehouse, resolve

REPO = Path(__file__).resolve().parents[2]
# business dates are Beijing dates, whatever the scheduler's time zone
BEIJING = ZoneInfo("Asia/Shanghai")
DEFAULT_BACKUP_KEEP = 8
# the Airflow pool of every task that opens the warehouse (`make airflow` creates it with
# 1 slot): on DuckDB one process at a time may open the file
WAREHOUSE_POOL = "ecif_warehouse"


@dataclass(frozen=True)
class Settings:
    warehouse: Warehouse
    extracts_dir: Path
    exports_dir: Path
    reports_dir: Path
    backups_dir: Path
    backup_keep: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        def folder(name: str, default: str) -> Path:
            return Path(env.get(f"ECIF_{name}") or REPO / default)

        warehouse = resolve(env.get(WAREHOUSE_VAR) or f"duckdb:///{REPO / 'ecif.duckdb'}")
        return cls(
            warehouse=warehouse,
            extracts_dir=folder("EXTRACTS", "source_extracts"),
            exports_dir=folder("EXPORTS", "exports"),
            reports_dir=reports_root(warehouse, env),
            backups_dir=folder("BACKUPS", "backups"),
            backup_keep=int(env.get("ECIF_BACKUP_KEEP") or DEFAULT_BACKUP_KEEP),
        )


def business_date(run_date: datetime, override: str | None = None) -> str:
    """The run that starts on day D (Beijing time) processes day D-1's extracts;
    `override` (YYYYMMDD, a run's `business_date` param) names the day instead."""
    if override:
        datetime.strptime(override, "%Y%m%d")  # a clear error for a malformed date
        return override
    return (run_date.astimezone(BEIJING).date() - timedelta(days=1)).strftime("%Y%m%d")
