"""ecif_weekly_backup: a backup of the warehouse every Sunday, 05:00 Beijing time.

`ecif backup` as a task (ecif.backup): a consistent snapshot with its manifest into
ECIF_BACKUPS, encrypted when ECIF_BACKUP_KEY is set, the newest ECIF_BACKUP_KEEP kept
(README, Operations). The backup holds the warehouse lock: if the night's run still
holds it, the task waits for it (ECIF_LOCK_WAIT) and is retried after that, so a
backup never sees half a night.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

from ecif.orchestration import task_log
from ecif.orchestration.runs import WAREHOUSE_POOL, WEEKLY_BACKUP_KEEP, task_settings


@dag(
    dag_id="ecif_weekly_backup",
    schedule="0 5 * * 0",  # Sunday 05:00 Beijing: after Saturday's night
    start_date=pendulum.datetime(2026, 11, 1, 5, tz="Asia/Shanghai"),
    catchup=False,  # a missed week is not worth two backups in a row
    max_active_runs=1,
    default_args={
        "retries": 3,
        "retry_delay": timedelta(minutes=15),
        "on_success_callback": task_log.on_success,
        "on_failure_callback": task_log.on_failure,
    },
    tags=["ecif"],
    doc_md=__doc__,
)
def ecif_weekly_backup():
    @task(pool=WAREHOUSE_POOL)
    def backup() -> str:
        from ecif.backup import backup as take_backup

        settings = task_settings()
        return str(take_backup(settings.warehouse, settings.backups_dir,
                               settings.backup_keep or WEEKLY_BACKUP_KEEP))

    backup()


ecif_weekly_backup()
