"""`quality.validation_result`: every check of every run, for trends and scorecards."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from ecif.warehouse import Connection, write_frame
from expectations.validation import CheckResult

EXPECTATION = "expect_column_values_to_be_between"


def ensure_table(conn: Connection) -> None:
    """The (empty) results table, for report models built before any quality run."""
    write_frame(conn, "quality", "validation_result", _frame("", "", []), replace=False)


def record_results(conn: Connection, run_id: str, suite: str,
                   results: list[CheckResult]) -> None:
    frame = _frame(run_id, suite, results)
    with conn.transaction():
        # a suite re-checked within the same run (a retried step) replaces its rows
        if conn.table_exists("quality", "validation_result"):
            conn.execute("delete from quality.validation_result where run_id = ? and suite = ?",
                         [run_id, suite])
        write_frame(conn, "quality", "validation_result", frame, replace=False)


def _frame(run_id: str, suite: str, results: list[CheckResult]) -> pd.DataFrame:
    checked_at = datetime.now().replace(microsecond=0)
    return pd.DataFrame({
        "run_id": run_id,
        "suite": suite,
        "expectation": EXPECTATION,
        "check_name": pd.Series([r.check.name for r in results], dtype=object),
        "metric": pd.Series([r.check.metric.name for r in results], dtype=object),
        "source_system": pd.Series([r.check.metric.source_system for r in results], dtype=object),
        "dimension": pd.Series([r.check.metric.dimension for r in results], dtype=object),
        "severity": pd.Series([r.check.severity for r in results], dtype=object),
        "min_value": pd.array([r.check.min_value for r in results], dtype="Float64"),
        "max_value": pd.array([r.check.max_value for r in results], dtype="Float64"),
        "observed_value": pd.array([r.observed for r in results], dtype="Float64"),
        "success": pd.Series([r.success for r in results], dtype=bool),
        "checked_at": pd.Series([checked_at] * len(results), dtype="datetime64[us]"),
    })
