"""Business parameters that Python reads: the seeds of reference_data/seeds, the same
files dbt loads into the `reference` schema. The one place that knows where they are."""

from __future__ import annotations

import csv
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent.parent / "reference_data" / "seeds"


def read_seed(name: str) -> list[dict[str, str]]:
    """The rows of seed `name` (without .csv), as text."""
    with (SEEDS_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
