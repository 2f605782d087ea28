"""A normal (non-editable) install works: a wheel of the project carries the seeds,
the reference files and the dbt project, and ecif finds them where it is installed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ecif.dbt_runner import MANIFEST
from tests.checkout_files import copy_checkout

BIN = Path(sys.executable).parent
# -S: no site-packages, so not the editable install of this checkout either: only the
# installed copy (reading seeds needs nothing beyond the standard library)
READ = """
import json, sys
sys.path.insert(0, sys.argv[1])
from ecif import reference
from ecif.dbt_runner import DBT_PROJECT_DIR
print(json.dumps({"module": reference.__file__, "code_map": len(reference.read_seed("code_map")),
                  "thresholds": reference.reference_file("match_thresholds.csv").is_file(),
                  "dbt_project": str(DBT_PROJECT_DIR)}))
"""


@pytest.mark.slow
def test_an_installed_wheel_reads_the_seeds_and_holds_the_dbt_project(tmp_path):
    source, wheels, target, elsewhere = (tmp_path / name for name in
                                         ("source", "wheels", "target", "elsewhere"))
    copy_checkout(source)
    elsewhere.mkdir()
    # offline: the build backend comes from uv's cache, filled by `make install`
    subprocess.run([BIN / "uv", "build", "--offline", "--wheel", "--python", sys.executable,
                    "--out-dir", wheels, source], check=True, capture_output=True)
    wheel = next(wheels.glob("ecif-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-index", "--target", target, wheel], check=True)
    found = json.loads(subprocess.run(
        [sys.executable, "-S", "-c", READ, target], cwd=elsewhere, check=True,
        capture_output=True, text=True).stdout)
    assert Path(found["module"]).is_relative_to(target)
    assert found["code_map"] > 0 and found["thresholds"]
    dbt_project = Path(found["dbt_project"])
    assert dbt_project.is_relative_to(target) and not (dbt_project / "target").exists()
    assert (target / "matching" / "models" / "person.json").is_file()
    assert (target / "ecif" / "locale" / "zh_CN.po").is_file()
    assert (target / "ecif" / "service" / "templates" / "base.html").is_file()
    # the installed dbt project is the whole project: dbt parses it to the same nodes
    out = tmp_path / "dbt"
    subprocess.run([BIN / "dbt", "parse", "--quiet", "--project-dir", dbt_project,
                    "--profiles-dir", dbt_project, "--target-path", out / "target",
                    "--log-path", out / "logs"], cwd=elsewhere, check=True)
    installed = json.loads((out / "target" / "manifest.json").read_text())
    checkout = json.loads(MANIFEST.read_text())
    assert sorted(installed["nodes"]) == sorted(checkout["nodes"])
    assert sorted(installed["macros"]) == sorted(checkout["macros"])
