"""Judge a suite's metric frame with Great Expectations and keep its Data Docs.

GX Core 1.x has no DuckDB data source, so both engines take one path: the warehouse
computes the metrics (`expectations/metrics.py`) and GX validates that one-row frame
through its pandas data source, one ExpectColumnValuesToBeBetween per check. The
file context under `docs_dir` keeps every run's validation results for Data Docs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from expectations.checks import Check, Suite


@dataclass(frozen=True)
class CheckResult:
    check: Check
    observed: float | None
    success: bool


def validate(suite: Suite, frame: pd.DataFrame, docs_dir: Path) -> list[CheckResult]:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=docs_dir)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    outcome = _checkpoint(context, suite).run(batch_parameters={"dataframe": frame})
    by_name = {check.name: check for check in suite.checks}
    results = []
    for run in outcome.run_results.values():
        for result in run.results:
            check = by_name[result.expectation_config.meta["check"]]
            value = frame.at[0, check.metric.column]
            results.append(CheckResult(check, None if pd.isna(value) else float(value),
                                       bool(result.success)))
    return results


def _checkpoint(context, suite: Suite):
    """The suite's checkpoint in the file context, made once per version of the suite.
    Not GX's add_or_update every run: it compares each expectation with every stored one
    to keep their ids (quadratic), half of a quality step's time."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.exceptions import DataContextError

    name, version = f"ecif_{suite.name}", _version(suite)
    try:
        checkpoint = context.checkpoints.get(name)
        if checkpoint.validation_definitions[0].suite.meta.get("ecif_version") == version:
            return checkpoint
    except (DataContextError, ValueError):    # none, or one that no longer loads
        pass
    # one data source, one asset per suite: this suite's asset is made anew first, so that
    # its stored definition loads again and can be deleted with the rest of the old version
    if "ecif_metrics" not in context.data_sources.all():
        context.data_sources.add_pandas("ecif_metrics")
    source = context.data_sources.get("ecif_metrics")
    if suite.name in source.get_asset_names():
        source.delete_asset(suite.name)
    batch = source.add_dataframe_asset(suite.name).add_batch_definition_whole_dataframe(
        "metrics")
    for factory in (context.checkpoints, context.validation_definitions, context.suites):
        try:
            factory.delete(name)
        except DataContextError:
            pass
    gx_suite = context.suites.add(gx.ExpectationSuite(
        name=name, meta={"ecif_version": version},
        expectations=[gx.expectations.ExpectColumnValuesToBeBetween(
            column=check.metric.column, min_value=check.min_value, max_value=check.max_value,
            meta={"check": check.name, "severity": check.severity,
                  "source_system": check.metric.source_system,
                  "dimension": check.metric.dimension})
            for check in suite.checks]))
    definition = context.validation_definitions.add(gx.ValidationDefinition(
        name=name, data=batch, suite=gx_suite))
    return context.checkpoints.add(gx.Checkpoint(
        name=name, validation_definitions=[definition],
        actions=[UpdateDataDocsAction(name="data_docs")]))


def _version(suite: Suite) -> str:
    """What the stored suite must match: every check's metric column, bounds and labels."""
    checks = [(c.name, c.metric.column, c.min_value, c.max_value, c.severity,
               c.metric.source_system, c.metric.dimension) for c in suite.checks]
    return hashlib.sha256(json.dumps(checks).encode()).hexdigest()[:16]
