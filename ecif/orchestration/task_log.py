"""The DAG's tasks in the operations log: each task's end, success or failure, as one
JSON line (ecif.ops_log) with the Airflow run's id as run id, the task as step and its
duration; and in the exception centre (ecif.exception_sources): a failed task opens a
STEP_FAILED exception, a run that ends past its deadline a RUN_LATE one. The callbacks
must never fail a task themselves: a log that cannot be written is reported to
Airflow's own log instead."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from ecif import exception_sources, ops_log
from ecif.orchestration.runs import task_settings

# the night is due at 02:00 Beijing and must be done by 08:00
RUN_DEADLINE = timedelta(hours=6)


def _line(context: dict[str, Any], level: int, message: str) -> None:
    try:
        ti, dag_run = context.get("ti"), context.get("dag_run")
        ops_log.configure(task_settings().warehouse)
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
    """An ERROR line, and the task's STEP_FAILED exception (one per task, counted per
    Airflow run)."""
    _line(context, logging.ERROR, "task failed")
    ti, dag_run = context.get("ti"), context.get("dag_run")
    _to_centre(exception_sources.record_failure, f"task {getattr(ti, 'task_id', None)}",
               context.get("exception") or "failed", getattr(dag_run, "run_id", None),
               system="airflow")


def on_run_end(context: dict[str, Any]) -> None:
    """The DAG's own callback, when a run succeeds or fails: one that ended more than
    RUN_DEADLINE after it was due (its logical date, or when it was asked for) opens a
    RUN_LATE exception, what an SLA miss was before Airflow 3."""
    dag_run = context.get("dag_run")
    due = getattr(dag_run, "logical_date", None) or getattr(dag_run, "run_after", None)
    if due is None or (late := datetime.now(UTC) - due) <= RUN_DEADLINE:
        return
    run_id = getattr(dag_run, "run_id", None)
    _to_centre(exception_sources.record_failure, "ecif_nightly",
               f"run {run_id} ended {late.total_seconds() / 3600:.1f} h after it was due "
               f"(deadline {RUN_DEADLINE.total_seconds() / 3600:.0f} h)", run_id,
               kind="RUN_LATE", system="airflow")


def _to_centre(record: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    """Call an exception_sources function on the settings' warehouse (which record
    their own failures; this catches a settings error)."""
    try:
        record(task_settings().warehouse, *args, **kwargs)
    except Exception:       # noqa: BLE001 - see the module's docstring
        logging.getLogger(__name__).exception("exception centre not updated")
