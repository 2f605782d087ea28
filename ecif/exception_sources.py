"""What feeds the exception centre (ecif.exceptions_centre): the tables where the other
parts of ECIF already record their trouble, read by the steps that write them (land,
quality, the dispatcher) and at any failure, and the failures themselves (a run's
step, an Airflow task, a service request).

| kind | from | severity |
|---|---|---|
| LANDING_REFUSED | raw.landing_rejection (a file version refused) | CRITICAL |
| DELIVERY_OVERDUE | the land step's report (still waiting past its deadline) | WARNING |
| QUALITY_FAILED | quality.validation_result (a check that failed) | its check's |
| STEP_FAILED | a run's step or an Airflow task that failed | CRITICAL |
| RUN_LATE | an Airflow run that ended past its deadline | CRITICAL |
| EVENT_DELIVERY_FAILED | events.dead_letter (a subscription's dead letters) | WARNING |
| SERVICE_ERROR | an unexpected error answering a request (500) | CRITICAL |

Recording never fails its caller: a centre that cannot be written is an ERROR line of
the operations log, and the night or the request goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ecif import alerts, ops_log
from ecif.exceptions_centre import (
    OCCURRENCE,
    TABLE,
    ExceptionRecord,
    ensure_tables,
    open_or_bump,
)
from ecif.landing.report import LandingReport
from ecif.warehouse import Connection, Warehouse

PIPELINE = "pipeline"
# what a source's row says: severity, system, key, sample, occurrence
Found = tuple[str, str, str, str, str]


def _quietly(what: str, warehouse: Warehouse,
             record: Callable[[Connection], list[ExceptionRecord | None]]) -> None:
    """Run `record(conn) -> opened exceptions`, then alert on the critical ones; any
    failure becomes a log line (see the module's docstring)."""
    try:
        with warehouse.connect() as conn:
            opened = record(conn)
    except Exception as failure:  # noqa: BLE001
        ops_log.event(f"exception centre not updated ({what}): {failure}", logging.ERROR)
        return
    alerts.send([e for e in opened if e is not None and e.severity == "CRITICAL"])


def collect(warehouse: Warehouse) -> None:
    """Read the tables of refusals, quality results and dead letters into the centre."""
    _quietly("collect", warehouse, lambda conn: [*_refusals(conn), *_quality(conn),
                                                  *_dead_letters(conn)])


def record_landing(warehouse: Warehouse, report: LandingReport) -> None:
    """The land step's refusals, and its deliveries still waiting past their deadline
    (those are in no table: each run that finds one counts it once)."""
    run = ops_log.run_id()
    _quietly("landing", warehouse, lambda conn: [*_refusals(conn), *(
        open_or_bump(conn, "DELIVERY_OVERDUE", "WARNING", w.system,
                     f"{w.entity} {w.business_date}", f"{w.file}: {w.reason}", run)
        for w in report.waiting if w.overdue)])


def record_failure(warehouse: Warehouse, step: str, error: BaseException | str,
                   run_id: str | None = None, kind: str = "STEP_FAILED",
                   system: str = PIPELINE) -> None:
    """A failed step (or task, or late run): one exception per step, counted per run."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    run = run_id or ops_log.run_id()
    _quietly(step, warehouse, lambda conn: [
        open_or_bump(conn, kind, "CRITICAL", system, step, text, run),
        *_refusals(conn), *_quality(conn), *_dead_letters(conn)])


def record_service_error(warehouse: Warehouse, route: str, error: BaseException) -> None:
    """A request that failed unexpectedly: one exception per route and error type,
    every failure counted."""
    _quietly("service", warehouse, lambda conn: [open_or_bump(
        conn, "SERVICE_ERROR", "CRITICAL", "service", f"{route} {type(error).__name__}",
        str(error))])


@contextmanager
def watching(warehouse: Warehouse, step: str) -> Iterator[None]:
    """Around a run's step: a failure is recorded, with what the sources say by then (a
    critical quality check, say), and raised on."""
    try:
        yield
    except Exception as failure:
        record_failure(warehouse, step, failure)
        raise


def _read(conn: Connection, kind: str, table: str, sql: str,
          shape: Callable[..., Found]) -> list[ExceptionRecord | None]:
    """open_or_bump each row of `sql` over `table` (as `shape` makes it) that is not
    counted yet: the sources keep their history, so most of what they hold was read
    before, and one query leaves it out."""
    if not conn.table_exists(*table.split(".")):
        return []
    ensure_tables(conn)
    counted = set(conn.fetchall(
        f"select e.system, e.key, o.occurrence from {TABLE} e join {OCCURRENCE} o "
        "on o.exception_id = e.exception_id where e.kind = ?", [kind]))
    found = [shape(*row) for row in conn.fetchall(sql)]
    return [open_or_bump(conn, kind, severity, system, key, sample, occurrence)
            for severity, system, key, sample, occurrence in found
            if (system, key, occurrence) not in counted]


def _refusals(conn: Connection) -> list[ExceptionRecord | None]:
    return _read(conn, "LANDING_REFUSED", "raw.landing_rejection",
                 "select file, system, entity, business_date, reason, md5 "
                 "from raw.landing_rejection order by rejected_at",
                 lambda file, system, entity, day, reason, md5: (
                     "CRITICAL", system, f"{entity} {day}", reason, f"{file}|{md5}|{reason}"))


def _failed_check(run: str, suite: str, check: str, system: str, severity: str,
                  low: float | None, high: float | None, observed: float | None) -> Found:
    bounds = " and ".join(f"{op} {bound}" for op, bound in ((">=", low), ("<=", high))
                          if bound is not None)
    return ("CRITICAL" if severity == "critical" else "WARNING", system, check,
            f"{suite}: {check} observed {observed}, expected {bounds}", f"{run}|{suite}")


def failed_in_suite(conn: Connection, system: str, suite: str) -> list[int]:
    """The system's QUALITY_FAILED exceptions not RESOLVED that a run of `suite` counted
    (its occurrences are `run|suite`, _failed_check)."""
    if not conn.table_exists("ops", "exception_occurrence"):
        return []
    return [exception_id for (exception_id,) in conn.fetchall(
        f"select e.exception_id from {TABLE} as e where e.kind = 'QUALITY_FAILED' "
        "and e.system = ? and e.status <> 'RESOLVED' and exists (select 1 from "
        f"{OCCURRENCE} as o where o.exception_id = e.exception_id and o.occurrence like ?) "
        "order by e.exception_id", [system, f"%|{suite}"])]


def _quality(conn: Connection) -> list[ExceptionRecord | None]:
    return _read(conn, "QUALITY_FAILED", "quality.validation_result",
                 "select run_id, suite, check_name, coalesce(source_system, 'warehouse'), "
                 "severity, min_value, max_value, observed_value "
                 "from quality.validation_result where not success order by checked_at, run_id",
                 _failed_check)


def _dead_letters(conn: Connection) -> list[ExceptionRecord | None]:
    return _read(conn, "EVENT_DELIVERY_FAILED", "events.dead_letter",
                 "select subscription_id, seq, event_id, attempts, last_error "
                 "from events.dead_letter order by dead_at, seq",
                 lambda subscription, seq, event_id, attempts, error: (
                     "WARNING", "events", subscription,
                     f"seq {seq} ({event_id}) after {attempts} attempts: {error}", str(seq)))
