"""模型管理: every column of every mart and report model is described in the models' yml
(dbt's documentation site shows it to analysts; `ecif docs`). That the yml lists every
column the warehouse really has is checked against dbt's catalog in
tests/pipeline/test_dbt_docs.py."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from ecif.dbt_runner import MANIFEST

DOCUMENTED = {("models", "marts"), ("models", "reports")}


def documented_models() -> dict[str, dict]:
    nodes = json.loads(MANIFEST.read_text())["nodes"]
    return {node["name"]: node for node in nodes.values()
            if node["resource_type"] == "model"
            and PurePosixPath(node["original_file_path"]).parts[:2] in DOCUMENTED}


def test_every_mart_and_report_model_describes_every_column():
    models = documented_models()
    assert {"customer", "customer_360", "rpt_dq_scorecard"} <= models.keys()
    assert [name for name, node in models.items() if not node["description"].strip()] == []
    assert [name for name, node in models.items() if not node["columns"]] == []
    assert [f"{name}.{column}" for name, node in models.items()
            for column, spec in node["columns"].items()
            if not spec["description"].strip()] == []
