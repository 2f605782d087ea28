"""`ecif-dbt`: the dbt executable of the DAG's Cosmos tasks, dbt under the warehouse lock.

Cosmos runs `<dbt_executable_path> build …` in a subprocess of the task (its own
process group, killed whole when Airflow stops the task). Pointed at this script, every
dbt the DAG runs holds the lock `ecif run` holds (ecif.run_lock) for as long as it
runs: a running `ecif serve` on DuckDB steps aside before dbt opens the file and takes
it back after (ecif.hand_over), another writer (`ecif rebuild`, a backup, `ecif
dispatch`) waits. Taking it here rather than in the task (Cosmos' pre/post-execute
callbacks) keeps it to dbt's lifetime: released by the kernel or the server however
dbt ends. The warehouse comes from the settings, which the task passes in the
environment (ecif.orchestration.cosmos_dbt.point_at_warehouse).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ecif import settings
from ecif.run_lock import WarehouseBusy, exclusive

DBT = Path(sys.executable).with_name("dbt")     # the venv's dbt, never another on PATH


def main() -> None:
    warehouse = settings.current().warehouse
    try:
        with exclusive(warehouse, "an Airflow dbt task"):
            sys.exit(subprocess.call([str(DBT), *sys.argv[1:]]))
    except WarehouseBusy as busy:
        print(f"error: {busy}", file=sys.stderr)
        sys.exit(1)
