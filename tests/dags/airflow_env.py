"""The environment `make airflow` gives Airflow (the Makefile's AIRFLOW variable), in a
throw-away AIRFLOW_HOME, with the DAG's ECIF_* settings pointed at temporary folders.

Nothing here changes the test process' environment: fixtures and subprocesses use it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SETTINGS = ("ECIF_WAREHOUSE", "ECIF_EXTRACTS", "ECIF_EXPORTS", "ECIF_REPORTS")


def airflow_env(home: Path, project: Path = REPO, **settings: object) -> dict[str, str]:
    """settings: warehouse=URL, extracts=, exports=, reports= folders (ECIF_<NAME>)."""
    # (not make's own variables: the tests run `make airflow` as a user would)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AIRFLOW", "MAKE", "MFLAGS")) and k not in SETTINGS}
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW_CONFIG": str(project / "airflow.cfg"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(project / "dags"),
        "PATH": f"{BIN}{os.pathsep}{env['PATH']}",
    })
    env.update({f"ECIF_{name.upper()}": str(value) for name, value in settings.items()})
    return env
