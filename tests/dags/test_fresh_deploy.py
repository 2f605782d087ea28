"""A fresh clone: `make install`, then the DAG imports in a new AIRFLOW_HOME with no
other step, fast, and without importing the pipeline's heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.checkout_files import copy_checkout
from tests.dags.airflow_env import REPO, airflow_env

# parsed as the dag-processor parses it; prints what the test asserts on
PARSE = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
from airflow.configuration import conf
bag = DagBag(dag_folder=conf.get("core", "dags_folder"))
from ecif.dbt_runner import MANIFEST
heavy = ("splink", "great_expectations", "dbt.cli.main", "pandas", "duckdb", "ecif.pipeline")
print(json.dumps({
    "errors": {k: v.splitlines()[-1] for k, v in bag.import_errors.items()},
    "tasks": len(bag.dags["ecif_nightly"].tasks) if "ecif_nightly" in bag.dags else 0,
    "seconds": sum(s.duration.total_seconds() for s in bag.dagbag_stats),
    "heavy": [m for m in heavy if m in sys.modules],
    "manifest": str(MANIFEST),
    "import_timeout": conf.getfloat("core", "dagbag_import_timeout"),
}))
"""


def clone(dest):
    """The repository's files as git has them (no dbt_project/target/, no airflow.db),
    sharing this checkout's virtualenv (installed from the same lock file)."""
    copy_checkout(dest)
    (dest / ".venv").symlink_to(REPO / ".venv")


def parse_dag(project, home) -> dict:
    # the copy's packages before the editable install's (which points at this checkout)
    env = {**airflow_env(home, project), "PYTHONPATH": str(project)}
    out = subprocess.run([sys.executable, "-c", PARSE], env=env, cwd=project, check=True,
                         capture_output=True, text=True, timeout=300).stdout
    return json.loads(out.splitlines()[-1])


@pytest.mark.slow
def test_after_make_install_the_dag_imports_in_a_new_airflow_home(tmp_path):
    project = tmp_path / "ecif"
    clone(project)
    assert not (project / "dbt_project" / "target").exists()
    before = parse_dag(project, tmp_path / "home-before")
    assert [e for e in before["errors"].values() if "make install" in e], before

    subprocess.run(["make", "install"], cwd=project, check=True, timeout=300,
                   env=airflow_env(tmp_path / "home-after", project))

    after = parse_dag(project, tmp_path / "home-after")
    assert after["manifest"] == str(project / "dbt_project" / "target" / "manifest.json")
    assert after["errors"] == {} and after["tasks"] > 100
    assert after["heavy"] == []  # Splink, GX, dbt, pandas load when a task runs
    # Airflow's default import timeout is enough: the parse stays well inside it, even on
    # a loaded machine (a speed figure belongs in benchmarks/, not in a timed test)
    assert after["import_timeout"] == 30
    assert after["seconds"] < after["import_timeout"] / 3, after
    # the manifest is git-ignored: nothing the install wrote is left for `git add`
    assert subprocess.run(["git", "check-ignore", "-q", "dbt_project/target/manifest.json"],
                          cwd=REPO).returncode == 0
