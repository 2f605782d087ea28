"""Quarantine instead of halting (README, Operations): one source's bad delivery holds
that source, not the whole night.

Admission (准入): before the gate judges the whole state, each system's critical
checks that a batch can answer for (those over a table carrying `_batch_id`: raw,
staging, the mention layer) are judged over the rows of the batches this night landed
for it, when there are at least MIN_ROWS of them. A system that fails one has those
batches marked QUARANTINED in raw.landing_batch: the staging build leaves their rows
out (macro disposition_model), so the system keeps its last good state while the others
go on to the marts. The results are recorded as suite `admission` of the night's
quality run, so the exception centre opens the failed check (CRITICAL, alerted once).

The hold is lifted by a steward's RELEASE request approved by another user (the
batches become LOADED and are staged by the rebuild it queues; not being new again,
they are not judged again at admission, and the gate leaves their rows out of that
system's checks: gate_suites), or by a corrected re-delivery of the file (the loader
lands it in place and lifts the system's other held batches of that date; the new file
is judged at admission like any new batch). Either way, once none of the system's
batches is held, the exceptions its admission opened are resolved (settle_exceptions:
by the approver, or by `ecif` for a re-delivery admitted). A check of the whole
warehouse (no single system, or the marts) still stops the run.

`ecif run` judges the batches its landing loaded; the DAG's task `admission` those landed
since the last publication (unpublished_batches).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ecif.exception_sources import failed_in_suite
from ecif.exceptions_centre import resolve_all
from ecif.landing.bookkeeping import BATCH, QUARANTINED, RELEASED
from ecif.published_nights import last_publication
from ecif.warehouse import Connection, Warehouse
from expectations.checks import Metric, Suite
from expectations.gate import QualityGateError, check_quality
from expectations.suites import BEFORE_MARTS

ADMISSION = "admission"
# a share over a handful of rows says little (one bad mobile in a delta of three is a
# third): fewer rows of the new batches than this, and the whole-state gate alone judges
MIN_ROWS = 20


@dataclass(frozen=True)
class HeldBatch:
    batch_id: str
    system: str
    entity: str
    business_date: str
    loaded_at: object

    def line(self) -> str:
        return f"{self.system}  {self.business_date}  {self.entity}  {self.batch_id}"


def _restricted(conn: Connection, metric: Metric, batches: Sequence[str],
                among: bool) -> Metric | None:
    """The metric over the rows of these batches (among) or over all but theirs; None
    when its table has no batch id."""
    schema, _, table = metric.relation.partition(".")
    if " " in metric.relation or not conn.table_exists(schema, table) \
            or "_batch_id" not in conn.columns(schema, table):
        return None
    marks = ", ".join("'" + b.replace("'", "''") + "'" for b in batches)
    condition = f"_batch_id {'in' if among else 'not in'} ({marks})"
    return replace(metric, where=" and ".join(p for p in (metric.where, condition) if p))


def admission_suite(conn: Connection, new: Mapping[str, Sequence[str]]) -> Suite:
    """Each system's critical checks over its new batches (system → batch ids)."""
    checks = []
    for check in (c for suite in BEFORE_MARTS for c in suite.checks
                  if c.severity == "critical" and c.metric.source_system in new):
        metric = _restricted(conn, check.metric, new[check.metric.source_system], among=True)
        if metric:      # null under the floor: GX has nothing to judge
            checks.append(replace(check, metric=replace(metric, expression=(
                f"case when count(*) >= {MIN_ROWS} then {metric.expression} end"))))
    return Suite(ADMISSION, tuple(checks))


def gate_suites(conn: Connection) -> tuple[Suite, ...]:
    """The gate's suites (BEFORE_MARTS), the rows of released batches left out of their
    system's checks: a release accepted them as they are, so they neither stop a later
    night nor hold that system's next batches."""
    released = _by_system(conn.fetchall(
        f"select b.system, b.batch_id from {BATCH} b join {RELEASED} r on r.batch_id = "
        "b.batch_id and r.loaded_at = b.loaded_at where b.status = 'LOADED' "
        "order by b.batch_id") if conn.table_exists("raw", "landing_released") else [])
    if not released:
        return BEFORE_MARTS
    metrics = {m: _restricted(conn, m, released[m.source_system], among=False) or m
               for suite in BEFORE_MARTS for m in suite.metrics if m.source_system in released}
    return tuple(Suite(suite.name, tuple(replace(c, metric=metrics.get(c.metric, c.metric))
                                         for c in suite.checks)) for suite in BEFORE_MARTS)


def admit(warehouse: Warehouse, new: Mapping[str, Sequence[str]], run_id: str,
          docs_dir: Path) -> dict[str, list[str]]:
    """Judge the new batches (system → batch ids); quarantine those of every system that
    fails a critical admission check. A system admitted with none of its batches held
    any more (its corrected re-delivery) has its quarantine's exceptions resolved.
    Returns the held batches per system."""
    with warehouse.connect() as conn:
        suite = admission_suite(conn, new)
    held: dict[str, list[str]] = {}
    if suite.checks:
        try:
            check_quality(warehouse, [suite], run_id, docs_dir)
        except QualityGateError as refused:
            held = {system: sorted(new[system]) for system in
                    sorted({r.check.metric.source_system for r in refused.failed})}
    with warehouse.connect() as conn, conn.transaction():
        for batches in held.values():
            conn.execute(f"update {BATCH} set status = ? where batch_id in ("
                         + ", ".join("?" * len(batches)) + ")", [QUARANTINED, *batches])
        for system in sorted(set(new) - set(held)):
            settle_exceptions(conn, system, "ecif", f"admitted by quality run {run_id}: "
                              f"{', '.join(sorted(new[system]))}; none of its batches held")
    return held


def unpublished_batches(conn: Connection) -> dict[str, list[str]]:
    """System → the LOADED batches landed since the last publication (all of them before
    the first) and not released: what the DAG's admission judges. Its land tasks are
    tasks of their own, and a retried one skips what its first try committed, so the
    warehouse, not a task's report, says what the night brought; batches of a night
    that was stopped before publishing are judged again with the next night's."""
    _, published = last_publication(conn)
    return _by_system(conn.fetchall(
        f"select system, batch_id from {BATCH} as b where status = 'LOADED' "
        "and (cast(? as timestamp) is null or loaded_at > ?) and not exists (select 1 "
        f"from {RELEASED} as r where r.batch_id = b.batch_id and r.loaded_at = b.loaded_at) "
        "order by system, batch_id", [published, published]))


def _by_system(batches: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for system, batch_id in batches:
        found.setdefault(system, []).append(batch_id)
    return found


def held_batches(conn: Connection) -> list[HeldBatch]:
    """The batches in quarantine, by system and date."""
    if not conn.table_exists("raw", "landing_batch"):
        return []
    return [HeldBatch(*row) for row in conn.fetchall(
        f"select batch_id, system, entity, business_date, loaded_at from {BATCH} "
        "where status = ? order by system, business_date, entity", [QUARANTINED])]


def settle_exceptions(conn: Connection, system: str, actor: str, note: str) -> list[int]:
    """Once none of the system's batches is held any more (a release, a corrected
    re-delivery admitted): the exceptions of the checks its admission failed are
    RESOLVED by `actor` with `note`, in the caller's transaction. Their ids; none while
    a batch of the system is still held (of another date: its hold stands)."""
    if any(b.system == system for b in held_batches(conn)):
        return []
    return resolve_all(conn, failed_in_suite(conn, system, ADMISSION), actor, note)
