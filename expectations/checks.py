"""What a quality check is: a metric the warehouse computes, and the bounds it must keep.

Metrics are aggregates (shares, counts) computed by the engine in SQL, so a check
never moves rows out of the warehouse; Great Expectations then judges the one-row
frame of metric values (see `expectations/validation.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

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


def at_least(metric: Metric, warning: float, critical: float | None = None) -> list[Check]:
    """A share that should stay high: a warning below `warning`, and when `critical` is
    given, a stop below it (an extract that broke, not one that is a little dirty)."""
    checks = [Check(metric, "warning", min_value=warning)]
    if critical is not None:
        checks.append(Check(metric, "critical", min_value=critical))
    return checks


def at_most(metric: Metric, warning: float | None, critical: float | None = None) -> list[Check]:
    checks = [] if warning is None else [Check(metric, "warning", max_value=warning)]
    if critical is not None:
        checks.append(Check(metric, "critical", max_value=critical))
    return checks


def share(condition: str, among: str | None = None) -> str:
    """SQL: the share of rows (or of rows meeting `among`) for which `condition` holds;
    null when there are no such rows, which GX treats as nothing to judge."""
    if among is None:
        return f"avg(case when {condition} then 1.0 else 0.0 end)"
    return f"avg(case when not ({among}) then null when {condition} then 1.0 else 0.0 end)"
