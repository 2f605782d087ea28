"""The dbt project's layers: only staging models read dbt sources (the raw extracts and
the tables Python writes); every other model reads a stg_ model over them."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from ecif.dbt_runner import MANIFEST


def test_only_staging_models_select_from_sources():
    nodes = json.loads(MANIFEST.read_text())["nodes"].values()
    reading_sources = {
        node["original_file_path"] for node in nodes
        if node["resource_type"] in ("model", "snapshot")
        and any(parent.startswith("source.") for parent in node["depends_on"]["nodes"])}
    assert reading_sources  # the manifest does name sources as parents
    assert {path for path in reading_sources
            if PurePosixPath(path).parts[:2] != ("models", "staging")} == set()
