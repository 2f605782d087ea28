"""Compute a suite's metrics in the warehouse: one aggregate query per table and filter.

Only the aggregates leave the engine (a one-row frame, one column per metric), so the
same code validates 10M-row tables on DuckDB and PostgreSQL alike.
"""

from __future__ import annotations

from itertools import groupby

import pandas as pd

from ecif.warehouse import Connection
from expectations.checks import Metric


def compute_metrics(conn: Connection, metrics: list[Metric]) -> pd.DataFrame:
    """One row; a column per metric (Metric.column); None where there was nothing to measure."""
    values: dict[str, float | None] = {}

    def source(metric: Metric) -> tuple[str, str]:
        return metric.relation, metric.where

    for (relation, where), group in groupby(sorted(metrics, key=source), key=source):
        group = list(group)
        selects = ", ".join(m.expression for m in group)
        row = conn.fetchone(f"select {selects} from {relation}"
                            + (f" where {where}" if where else ""))
        for metric, value in zip(group, row or [None] * len(group), strict=True):
            values[metric.column] = None if value is None else float(value)
    return pd.DataFrame([{m.column: values[m.column] for m in metrics}], dtype="float64")
