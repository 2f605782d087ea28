"""Judge a suite's metric frame with Great Expectations and keep its Data Docs.

GX Core 1.x has no DuckDB data source, so both engines take one path: the warehouse
computes the metrics (`expectations/metrics.py`) and GX validates that one-row frame
through its pandas data source, one ExpectColumnValuesToBeBetween per check. The
file context under `docs_dir` keeps every run's validation results for Data Docs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from expectations.checks import Check, Suite

# nothing may call home from a nightly run; checked when GX is imported
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


@dataclass(frozen=True)
class CheckResult:
    check: Check
    observed: float | None
    success: bool


def validate(suite: Suite, frame: pd.DataFrame, docs_dir: Path) -> list[CheckResult]:
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=docs_dir)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_or_update_pandas("ecif_metrics")
    asset = source.add_dataframe_asset(suite.name)
    batch = asset.add_batch_definition_whole_dataframe("metrics")
    by_name = {check.name: check for check in suite.checks}
    gx_suite = context.suites.add_or_update(gx.ExpectationSuite(
        name=f"ecif_{suite.name}",
        expectations=[gx.expectations.ExpectColumnValuesToBeBetween(
            column=check.metric.column, min_value=check.min_value, max_value=check.max_value,
            meta={"check": check.name, "severity": check.severity,
                  "source_system": check.metric.source_system,
                  "dimension": check.metric.dimension})
            for check in suite.checks]))
    definition = context.validation_definitions.add_or_update(gx.ValidationDefinition(
        name=f"ecif_{suite.name}", data=batch, suite=gx_suite))
    checkpoint = context.checkpoints.add_or_update(gx.Checkpoint(
        name=f"ecif_{suite.name}", validation_definitions=[definition],
        actions=[UpdateDataDocsAction(name="data_docs")]))
    outcome = checkpoint.run(batch_parameters={"dataframe": frame})
    results = []
    for run in outcome.run_results.values():
        for result in run.results:
            check = by_name[result.expectation_config.meta["check"]]
            value = frame.at[0, check.metric.column]
            results.append(CheckResult(check, None if pd.isna(value) else float(value),
                                       bool(result.success)))
    return results
