"""Where the DAG reads and writes, from Airflow Variables, and which date a run is for.

Variables (or `AIRFLOW_VAR_<NAME>` environment variables):
  ecif_warehouse  warehouse URL (default: the embedded DuckDB file ecif.duckdb in the repository)
  ecif_extracts   landing zone (default: source_extracts/ in the repository)
  ecif_exports    where the marketing lists go, one folder per business date
                  (default: exports/ in the repository)
  ecif_reports    where matching leaves each run's evidence (default: reports/ in the repository)

They are read when the DAG file is parsed, not when a task runs: Cosmos fixes the
dbt target (DuckDB or PostgreSQL) at parse time, and every task of a run must see
the same warehouse. Change a Variable, and the next parse (the next run) uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from airflow.sdk import Variable

from ecif.warehouse import Warehouse, resolve

REPO = Path(__file__).resolve().parents[2]
# business dates are Beijing dates, whatever the scheduler's time zone
BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class DagSettings:
    warehouse: Warehouse
    extracts_dir: Path
    exports_dir: Path
    reports_dir: Path


def dag_settings() -> DagSettings:
    return DagSettings(
        warehouse=resolve(Variable.get("ecif_warehouse",
                                       default=f"duckdb:///{REPO / 'ecif.duckdb'}")),
        extracts_dir=Path(Variable.get("ecif_extracts", default=str(REPO / "source_extracts"))),
        exports_dir=Path(Variable.get("ecif_exports", default=str(REPO / "exports"))),
        reports_dir=Path(Variable.get("ecif_reports", default=str(REPO / "reports"))),
    )


def business_date(run_date: datetime, override: str | None = None) -> str:
    """The run that starts on day D (Beijing time) processes day D-1's extracts;
    `override` (YYYYMMDD, a run's `business_date` param) names the day instead."""
    if override:
        datetime.strptime(override, "%Y%m%d")  # a clear error for a malformed date
        return override
    return (run_date.astimezone(BEIJING).date() - timedelta(days=1)).strftime("%Y%m%d")
