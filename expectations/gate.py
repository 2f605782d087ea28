"""Run suites against the warehouse, record the results, stop on a critical failure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ecif.warehouse import Warehouse
from expectations.checks import Suite
from expectations.data_docs import make_offline
from expectations.metrics import compute_metrics
from expectations.results import record_results
from expectations.validation import CheckResult, validate


class QualityGateError(RuntimeError):
    """A critical expectation failed: the run stops before the marts are published."""

    def __init__(self, message: str, failed: Sequence[CheckResult] = ()) -> None:
        super().__init__(message)
        self.failed = list(failed)     # the critical results that failed


@dataclass
class QualityReport:
    run_id: str
    results: list[CheckResult] = field(default_factory=list)

    def failed(self, severity: str) -> list[CheckResult]:
        return [r for r in self.results if not r.success and r.check.severity == severity]


def _describe(result: CheckResult) -> str:
    check = result.check
    bound = " and ".join(part for part in (
        f">= {check.min_value:g}" if check.min_value is not None else "",
        f"<= {check.max_value:g}" if check.max_value is not None else "") if part)
    return f"{check.metric.name} = {result.observed:.4g} (expected {bound})"


def check_quality(warehouse: Warehouse, suites: Sequence[Suite], run_id: str,
                  docs_dir: Path) -> QualityReport:
    """Validate each suite, append its results to quality.validation_result, refresh the
    Data Docs; raise QualityGateError naming every failed critical check."""
    report = QualityReport(run_id)
    with warehouse.connect() as conn:
        for suite in suites:
            results = validate(suite, compute_metrics(conn, suite.metrics), docs_dir)
            record_results(conn, run_id, suite.name, results)
            report.results += results
    make_offline(docs_dir)
    critical = report.failed("critical")
    if critical:
        raise QualityGateError(
            f"quality run {run_id}: {len(critical)} critical check(s) failed: "
            + "; ".join(_describe(r) for r in critical), critical)
    return report
