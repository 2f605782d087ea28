"""The dbt project's layers: only staging models read dbt sources (the raw extracts and
the tables Python writes); every other model reads a stg_ model over them. What serves
users (the service, `ecif lookup`, stewardship, the change feed) reads no intermediate
model."""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

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


# what serves users reads the published marts and the serving schema, never dbt's
# intermediate layer (issue 20 §2): pipeline internals (ecif/pipeline.py, the build
# states, matching/) may
SERVING_READERS = ("ecif/service", "ecif/lookup.py", "ecif/stewardship", "ecif/events")


def test_what_serves_users_reads_no_intermediate_model():
    root = Path(__file__).resolve().parents[2]
    modules = [path for reader in SERVING_READERS for path in
               ((root / reader).rglob("*.py") if (root / reader).is_dir() else [root / reader])]
    assert len(modules) > 20 and root / "ecif/service/live_mentions.py" in modules
    reading = {str(path.relative_to(root)) for path in modules
               if re.search(r"\bintermediate\.", path.read_text(encoding="utf-8"))}
    assert reading == set()
