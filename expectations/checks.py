"""What a quality check is: a metric the warehouse computes, and the bounds it must keep.

Metrics are aggregates (shares, counts) computed by the engine in SQL, so a check
never moves rows out of the warehouse; Great Expectations then judges the one-row
frame of metric values (see `expectations/validation.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from ecif.reference import read_csv, reference_file

Severity = Literal["critical", "warning"]
Dimension = Literal["completeness", "validity", "uniqueness", "consistency", "coverage",
                    "sanity"]


@dataclass(frozen=True)
class Metric:
    name: str             # e.g. core.customer.customer.mobile_completeness
    relation: str         # schema.table the aggregate reads
    where: str            # row filter ("" for all rows)
    expression: str       # one aggregate SQL expression, portable to DuckDB and PostgreSQL
    source_system: str    # core, uw, ... or `golden` for mart checks
    dimension: Dimension

    @property
    def column(self) -> str:
        """The metric's column in the frame GX validates (GX column names avoid dots)."""
        return re.sub(r"\W", "_", self.name)


@dataclass(frozen=True)
class Check:
    metric: Metric
    severity: Severity
    min_value: float | None = None
    max_value: float | None = None

    @property
    def name(self) -> str:
        return f"{self.metric.name} [{self.severity}]"


@dataclass(frozen=True)
class Suite:
    name: str             # raw, staging, marts
    checks: tuple[Check, ...]

    @property
    def metrics(self) -> list[Metric]:
        return list(dict.fromkeys(c.metric for c in self.checks))


def at_least(metric: Metric) -> list[Check]:
    """A share that should stay high: a warning below its warning bound and, where
    reference_data/quality_thresholds.csv gives one, a stop below the critical bound
    (an extract that broke, not one that is a little dirty)."""
    warning, critical = bounds(metric)
    return [Check(metric, severity, min_value=bound)
            for severity, bound in (("warning", warning), ("critical", critical))
            if bound is not None]


def at_most(metric: Metric) -> list[Check]:
    """A count or share that should stay low, bounded the same way."""
    warning, critical = bounds(metric)
    return [Check(metric, severity, max_value=bound)
            for severity, bound in (("warning", warning), ("critical", critical))
            if bound is not None]


@cache
def _thresholds() -> dict[str, tuple[float | None, float | None]]:
    return {row["measure"]: (float(row["warning"]) if row["warning"] else None,
                             float(row["critical"]) if row["critical"] else None)
            for row in read_csv(reference_file("quality_thresholds.csv"))}


def bounds(metric: Metric) -> tuple[float | None, float | None]:
    """(warning, critical) of the metric's measure, the last part of its name."""
    return _thresholds()[metric.name.rsplit(".", 1)[-1]]


def share(condition: str, among: str | None = None) -> str:
    """SQL: the share of rows (or of rows meeting `among`) for which `condition` holds;
    null when there are no such rows, which GX treats as nothing to judge."""
    if among is None:
        return f"avg(case when {condition} then 1.0 else 0.0 end)"
    return f"avg(case when not ({among}) then null when {condition} then 1.0 else 0.0 end)"
