"""Splink's warning that the organization model's `branch` comparison has no null level
(it needs none) stays off the console; other missing null levels still warn."""

from __future__ import annotations

import json
import logging
import re

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker

import matching  # noqa: F401  (installs the filter, as any use of the package does)
from matching.training import MODELS_DIR

NO_NULL_LEVEL = "No null level found for comparison"


def load(settings: dict) -> None:
    """A Linker over one generated row holding every column the settings compare."""
    columns = set(re.findall(r"\b(\w+)_[lr]\b", json.dumps(settings))) | {"uid"}
    frame = pd.DataFrame({column: ["x"] for column in sorted(columns)})
    Linker(DuckDBAPI(connection=duckdb.connect()).register(frame), settings,
           log_level=logging.WARNING)


def warned(caplog) -> str:
    # what reaches any handler (the console's among them): records a filter let through
    return "\n".join(record.getMessage() for record in caplog.records)


def test_the_organization_model_loads_without_the_null_level_warning(caplog):
    load(json.loads((MODELS_DIR / "organization.json").read_text("utf-8")))
    assert NO_NULL_LEVEL not in warned(caplog)


def test_another_comparison_without_a_null_level_still_warns(caplog):
    settings = json.loads((MODELS_DIR / "organization.json").read_text("utf-8"))
    branch = next(c for c in settings["comparisons"] if c["output_column_name"] == "branch")
    settings["comparisons"].append({**branch, "output_column_name": "branch_again"})
    load(settings)
    assert f"{NO_NULL_LEVEL} branch_again" in warned(caplog)
