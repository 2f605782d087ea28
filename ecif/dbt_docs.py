"""dbt's documentation site for analysts (`ecif docs`): each model's description and
columns, the contracts, tests and lineage graph, and from the warehouse itself (the
catalog) each table's column types and size. `dbt docs generate --static` inlines the
manifest and the catalog into one index.html, which opens from a file, offline; the
manifest says send_anonymous_usage_stats: false (dbt_project.yml), which keeps the
page's tracker off."""

from __future__ import annotations

import shutil
from pathlib import Path

from ecif.dbt_runner import artifacts_dir, run_dbt
from ecif.run_lock import holding_the_lock
from ecif.warehouse import Warehouse


# on DuckDB dbt opens the file for writing: a docs build waits for a running night
@holding_the_lock("a dbt docs build")
def write_docs(warehouse: Warehouse, out: Path) -> Path:
    """The site of the warehouse's dbt project in out/index.html; returns that path."""
    run_dbt(warehouse, ["docs", "generate", "--static"])
    out.mkdir(parents=True, exist_ok=True)
    index = out / "index.html"
    shutil.copyfile(artifacts_dir(warehouse) / "target" / "static_index.html", index)
    return index
