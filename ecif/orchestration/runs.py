"""The DAG's settings, which date a run is for, and the pool of its warehouse tasks.

The settings are ecif.settings' (ECIF_* variables), with relative default folders in
the repository instead of the working directory: the warehouse `<repo>/ecif.duckdb`,
`<repo>/source_extracts/`, `<repo>/exports/`, `<repo>/backups/` (README, "Airflow").
Every task reads them when it runs, never the DAG file when it is parsed: parsing
touches no database and no variable, and the Airflow components started together
(`make airflow`) share one environment, so every task of a run sees the same warehouse.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ecif import settings
from ecif.dbt_runner import DBT_PROJECT_DIR

# the checkout the DAG runs from: the one that holds the dbt project
REPO = DBT_PROJECT_DIR.parent
# business dates are Beijing dates, whatever the scheduler's time zone
BEIJING = ZoneInfo("Asia/Shanghai")
# the weekly backup keeps this many when ECIF_BACKUP_KEEP is not set: two months
WEEKLY_BACKUP_KEEP = 8
# the Airflow pool of every task that opens the warehouse (`make airflow` creates it with
# 1 slot): on DuckDB one process at a time may open the file
WAREHOUSE_POOL = "ecif_warehouse"


def task_settings() -> settings.Settings:
    """The settings a task runs with, read when it calls this."""
    return settings.current(root=REPO)


@contextmanager
def warehouse_task(task_id: str) -> Iterator[settings.Settings]:
    """The task's settings, its warehouse locked for the whole task as `ecif run` locks
    it for the night (ecif.run_lock): the task's own reads around its step too (on
    DuckDB a running service hands the file over to it) and no other writer between
    them. The steps take the lock again without waiting."""
    from ecif.run_lock import exclusive, yield_to_the_service  # parsing imports none

    found = task_settings()
    yield_to_the_service()
    with exclusive(found.warehouse, f"Airflow task {task_id}"):
        yield found


def business_date(run_date: datetime, override: str | None = None) -> str:
    """The run that starts on day D (Beijing time) processes day D-1's extracts;
    `override` (YYYYMMDD, a run's `business_date` param) names the day instead."""
    if override:
        datetime.strptime(override, "%Y%m%d")  # a clear error for a malformed date
        return override
    return (run_date.astimezone(BEIJING).date() - timedelta(days=1)).strftime("%Y%m%d")
