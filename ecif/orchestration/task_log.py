"""The DAG's tasks in the operations log: each task's end, success or failure, as one
JSON line (ecif.ops_log) with the Airflow run's id as run id, the task as step and its
duration. The callbacks must never fail a task themselves: a log that cannot be written
is reported to Airflow's own log instead."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from ecif import ops_log
from ecif.orchestration.settings import Settings


def _line(context: dict[str, Any], level: int, message: str) -> None:
    try:
        ti, dag_run = context.get("ti"), context.get("dag_run")
        ops_log.configure(Settings.from_env().warehouse)
        start = getattr(ti, "start_date", None)
        duration = (round((datetime.now(UTC) - start).total_seconds(), 3)
                    if start is not None else None)
        error = context.get("exception")
        ops_log.logger().log(level, message, extra={
            "run_id": getattr(dag_run, "run_id", None), "step": getattr(ti, "task_id", None),
            "duration": duration,
            "fields": {"try": getattr(ti, "try_number", None),
                       **({"error": f"{type(error).__name__}: {error}"} if error else {})}})
    except Exception:       # noqa: BLE001 - see the module's docstring
        logging.getLogger(__name__).exception("operations log not written")


def on_success(context: dict[str, Any]) -> None:
    _line(context, logging.INFO, "task succeeded")


def on_failure(context: dict[str, Any]) -> None:
    """Until the exceptions centre exists (issue 15 §2) a failure is this ERROR line."""
    _line(context, logging.ERROR, "task failed")
