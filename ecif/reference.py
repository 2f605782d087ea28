"""Business parameters that Python reads: the seeds of reference_data/seeds (the same
files dbt loads into the `reference` schema) and the thresholds beside them. The one
place that reads them (found through ecif.project_files, however ecif is installed)."""

from __future__ import annotations

import csv
from pathlib import Path

from ecif.project_files import project_folder

REFERENCE_DIR = project_folder("reference_data")
SEEDS_DIR = REFERENCE_DIR / "seeds"


def read_seed(name: str) -> list[dict[str, str]]:
    """The rows of seed `name` (without .csv), as text."""
    return read_csv(SEEDS_DIR / f"{name}.csv")


def reference_file(name: str) -> Path:
    """reference_data/`name`: a file of parameters that is not a seed."""
    return REFERENCE_DIR / name


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
